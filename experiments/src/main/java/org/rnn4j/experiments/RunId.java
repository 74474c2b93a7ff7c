package org.rnn4j.experiments;

/**
 * Which run of an experiment this is: a model on a condition with a seed. It names the run's files under
 * {@code <out>/runs/}: {@link #fileName()} once it is finished, {@link #checkpointName()} while it is not.
 *
 * @param model     the model's name, e.g. {@code plstm}
 * @param condition the condition, e.g. {@code async} or {@code T=100}
 * @param seed      the seed of the model's initialisation and training
 */
public record RunId(String model, String condition, long seed) {

    /** The finished run's file. */
    public String fileName() {
        return stem() + ".json";
    }

    /** The file of the run's training state while it is unfinished. */
    public String checkpointName() {
        return stem() + ".checkpoint";
    }

    private String stem() {
        return (model + "-" + condition + "-seed" + seed).replaceAll("[^A-Za-z0-9=._-]", "_");
    }

    @Override
    public String toString() {
        return model + " " + condition + " seed " + seed;
    }
}
