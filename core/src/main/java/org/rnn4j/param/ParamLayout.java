package org.rnn4j.param;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layout of all parameters of a model in one flat {@code float[]}: an ordered list of named views.
 * Gradients and optimizer state use parallel arrays with the same layout, so an optimizer is one loop.
 */
public final class ParamLayout {

    private final List<ParamView> views;
    private final Map<String, ParamView> byName;
    private final int size;
    private final int[][] trainableRanges;

    private ParamLayout(List<ParamView> views, int size) {
        this.views = Collections.unmodifiableList(new ArrayList<>(views));
        Map<String, ParamView> map = new LinkedHashMap<>();
        for (ParamView v : views) {
            map.put(v.name(), v);
        }
        this.byName = Collections.unmodifiableMap(map);
        this.size = size;
        List<int[]> ranges = new ArrayList<>();
        for (ParamView v : views) {
            if (!v.trainable() || v.size() == 0) {
                continue;
            }
            int[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (last != null && last[1] == v.offset()) {
                last[1] += v.size();
            } else {
                ranges.add(new int[]{v.offset(), v.offset() + v.size()});
            }
        }
        this.trainableRanges = ranges.toArray(int[][]::new);
    }

    /** [from, to) ranges of the flat array that optimizers update: every trainable view, adjacent ones merged. */
    public int[][] trainableRanges() {
        return trainableRanges;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** All views in layout order. */
    public List<ParamView> views() {
        return views;
    }

    /** Total number of floats. */
    public int size() {
        return size;
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    /** The view with this name; the error lists the names that exist. */
    public ParamView view(String name) {
        ParamView v = byName.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no parameter named '" + name + "'; this model has " + byName.keySet());
        }
        return v;
    }

    /** Appends views one after the other. */
    public static final class Builder {
        private final List<ParamView> views = new ArrayList<>();
        private final Map<String, ParamView> names = new LinkedHashMap<>();
        private int size;
        private final Builder parent;   // a prefixed view adds to its parent, under prefix + name
        private final String prefix;

        private Builder() {
            this(null, "");
        }

        private Builder(Builder parent, String prefix) {
            this.parent = parent;
            this.prefix = prefix;
        }

        /**
         * A view of this builder that declares every name with {@code prefix} in front, as PyTorch names a
         * submodule's parameters ({@code "encoder."} + {@code "weight_ih_l0"}); views go into this layout.
         */
        public Builder prefixed(String prefix) {
            return new Builder(this, prefix);
        }

        /** Adds a trainable view of the given shape at the end of the layout and returns it. */
        public ParamView add(String name, int... shape) {
            return add(name, true, shape);
        }

        /** Adds a buffer: saved with the model, never changed by an optimizer. */
        public ParamView addBuffer(String name, int... shape) {
            return add(name, false, shape);
        }

        /** Adds a trainable view or a buffer at the end of the layout and returns it. */
        public ParamView add(String name, boolean trainable, int... shape) {
            if (parent != null) {
                return parent.add(prefix + name, trainable, shape);
            }
            if (names.containsKey(name)) {
                throw new IllegalArgumentException("parameter '" + name + "' declared twice");
            }
            ParamView v = new ParamView(name, size, shape, trainable);
            long newSize = (long) size + v.size();
            if (newSize > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("model too large for one float array at '" + name + "'");
            }
            views.add(v);
            names.put(name, v);
            size = (int) newSize;
            return v;
        }

        public ParamLayout build() {
            if (parent != null) {
                return parent.build();
            }
            return new ParamLayout(views, size);
        }
    }
}
