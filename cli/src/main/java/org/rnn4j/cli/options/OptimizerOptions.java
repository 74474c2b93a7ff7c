package org.rnn4j.cli.options;

import org.rnn4j.optim.Adagrad;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.Optimizer;
import org.rnn4j.optim.RmsProp;
import org.rnn4j.optim.Schedule;
import org.rnn4j.optim.Sgd;
import picocli.CommandLine.Option;

/** Optimizer, learning rate and schedule. */
public final class OptimizerOptions {

    @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "NAME",
            description = "sgd, momentum, nesterov, adagrad, rmsprop, adam or adamw. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.005", paramLabel = "RATE", description = "Learning rate. Default: ${DEFAULT-VALUE}.")
    float lr;

    @Option(names = "--momentum", defaultValue = "0.9", paramLabel = "M",
            description = "Momentum of momentum/nesterov/rmsprop. Default: ${DEFAULT-VALUE} (0 for rmsprop unless given).")
    float momentum;

    @Option(names = "--weight-decay", defaultValue = "0", paramLabel = "W",
            description = "L2 weight decay (decoupled for adamw, where 0 means 0.01). Default: ${DEFAULT-VALUE}.")
    float weightDecay;

    @Option(names = "--schedule", defaultValue = "constant", paramLabel = "NAME",
            description = "constant, step or cosine. Default: ${DEFAULT-VALUE}.")
    String schedule;

    @Option(names = "--step-every", defaultValue = "1000", paramLabel = "N",
            description = "step schedule: multiply the rate by --gamma every N updates. Default: ${DEFAULT-VALUE}.")
    long stepEvery;

    @Option(names = "--gamma", defaultValue = "0.5", paramLabel = "G", description = "step schedule factor. Default: ${DEFAULT-VALUE}.")
    double gamma;

    @Option(names = "--min-lr-factor", defaultValue = "0.01", paramLabel = "F",
            description = "cosine schedule: final rate as a fraction of --lr. Default: ${DEFAULT-VALUE}.")
    double minFactor;

    @Option(names = "--warmup", defaultValue = "0", paramLabel = "N",
            description = "Linear warm-up over the first N updates. Default: ${DEFAULT-VALUE}.")
    long warmup;

    /** --lr. */
    public float learningRate() {
        return lr;
    }

    /**
     * The optimizer of --optimizer with the learning rate and its options.
     *
     * @param momentumExplicit whether --momentum was given (rmsprop uses momentum only then)
     */
    public Optimizer create(boolean momentumExplicit) {
        return switch (optimizer.toLowerCase(java.util.Locale.ROOT)) {
            case "sgd" -> new Sgd(lr, 0f, false, weightDecay);
            case "momentum" -> new Sgd(lr, momentum, false, weightDecay);
            case "nesterov" -> new Sgd(lr, momentum, true, weightDecay);
            case "adagrad" -> new Adagrad(lr);
            case "rmsprop" -> new RmsProp(lr, 0.99f, 1e-8f, momentumExplicit ? momentum : 0f);
            case "adam" -> new Adam(lr, 0.9f, 0.999f, 1e-8f, weightDecay, false);
            case "adamw" -> Adam.adamW(lr, weightDecay == 0f ? 0.01f : weightDecay);
            default -> throw new IllegalArgumentException("--optimizer: unknown optimizer '" + optimizer
                    + "'; choose sgd, momentum, nesterov, adagrad, rmsprop, adam or adamw");
        };
    }

    /** The learning-rate schedule over {@code totalUpdates} updates, with the warm-up. */
    public Schedule schedule(long totalUpdates) {
        Schedule s = switch (schedule.toLowerCase(java.util.Locale.ROOT)) {
            case "constant" -> Schedule.constant();
            case "step" -> Schedule.step(stepEvery, gamma);
            case "cosine" -> Schedule.cosine(Math.max(1, totalUpdates), minFactor);
            default -> throw new IllegalArgumentException("--schedule: unknown schedule '" + schedule
                    + "'; choose constant, step or cosine");
        };
        return warmup > 0 ? s.withWarmup(warmup) : s;
    }

    /** The values of these options, refused in the options' names before the library would name them in its own words. */
    public void check() {
        if (!(lr > 0f) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("--lr must be a finite number > 0, got " + lr);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be 0 or more, got " + warmup);
        }
        create(false);      // an unknown --optimizer, named
        schedule(1);        // an unknown --schedule, named
    }
}
