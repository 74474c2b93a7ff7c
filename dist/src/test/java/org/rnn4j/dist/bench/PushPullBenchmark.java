package org.rnn4j.dist.bench;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import org.rnn4j.dist.Member;
import org.rnn4j.dist.ParameterServer;
import org.rnn4j.dist.ShardPlan;
import org.rnn4j.optim.Adam;
import org.rnn4j.param.ParamLayout;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Time of one push (gradients to every shard, Adam applied at the owner and on the backup) and one pull (every
 * shard's values) of a 1 Mi-float parameter array, on 1 and on 3 members of one JVM talking over loopback TCP, with
 * one backup. Beside it, the same push with Java serialisation (a Serializable processor and value), the baseline
 * the compact form replaces. Each push is timed from the first shard's send to the last shard's answer, by the
 * pushing member (which owns about a third of the shards with 3 members). The Java-serialised push is measured
 * twice: with the values kept as objects (rnn4j's map settings) and in Hazelcast's default binary form.
 *
 * <p>How to run: {@code scripts/bench-dist push-pull [ITERATIONS]} (default 40 after 10 for warm-up).
 */
public final class PushPullBenchmark {

    static final int FLOATS = 1 << 20;

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        System.out.printf("push and pull of %d floats (%.1f MiB), Adam, backup count 1, median (min) over %d%n",
                FLOATS, FLOATS * 4 / 1048576.0, iterations);
        for (int members : new int[]{1, 3}) {
            run(members, iterations);
        }
    }

    static void run(int memberCount, int iterations) {
        Member.Options options = Member.Options.defaults().withLogging("none");
        List<HazelcastInstance> members = new ArrayList<>();
        try {
            for (int i = 0; i < memberCount; i++) {
                members.add(Member.start(options));
            }
            HazelcastInstance me = members.get(0);
            ParamLayout.Builder l = ParamLayout.builder();
            l.add("w", FLOATS);
            ParamLayout layout = l.build();
            ShardPlan plan = ShardPlan.of(layout, 0);
            float[] values = new float[FLOATS];
            float[] grads = new float[FLOATS];
            for (int i = 0; i < FLOATS; i++) {
                values[i] = (float) Math.sin(i);
                grads[i] = (float) Math.cos(i) * 1e-3f;
            }
            ParameterServer server = ParameterServer.create(me, "bench", plan, new Adam(1e-3f).spec(), values);
            IMap<Integer, JavaShard> javaObject = javaShards(me, Member.MAP_PREFIX + "bench.java", plan, values);
            IMap<Integer, JavaShard> javaBinary = javaShards(me, "bench-java-binary", plan, values);
            long[] basis = new long[plan.count()];
            long[] updates = new long[plan.count()];
            float[] pulled = new float[FLOATS];
            long[][] t = new long[4][iterations];
            long seq = 0;
            // the four kinds interleaved, so that drift in the machine's load affects them alike
            for (int i = -10; i < iterations; i++) {
                long t0 = System.nanoTime();
                server.push(0, ++seq, 1e-3f, grads, basis, -1);
                long t1 = System.nanoTime();
                server.pull(pulled, updates);
                long t2 = System.nanoTime();
                javaPush(javaObject, plan, grads);
                long t3 = System.nanoTime();
                javaPush(javaBinary, plan, grads);
                long t4 = System.nanoTime();
                if (i >= 0) {
                    t[0][i] = t1 - t0;
                    t[1][i] = t2 - t1;
                    t[2][i] = t3 - t2;
                    t[3][i] = t4 - t3;
                }
            }
            String where = memberCount + " member" + (memberCount > 1 ? "s" : "") + ", " + plan.count() + " shards";
            report(where + ", push, compact (IdentifiedDataSerializable)", t[0]);
            report(where + ", pull, compact (IdentifiedDataSerializable)", t[1]);
            report(where + ", push, Java serialisation, values as objects", t[2]);
            report(where + ", push, Java serialisation, values binary", t[3]);
        } finally {
            for (HazelcastInstance m : members) {
                m.getLifecycleService().terminate();
            }
        }
    }

    static void report(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        double median = s[s.length / 2] / 1e6;
        double min = s[0] / 1e6;
        System.out.printf("  %-66s %7.1f ms (%6.1f)  %6.0f MB/s%n", what, median, min, FLOATS * 4 / 1e6 / (median / 1e3));
    }

    /**
     * The baseline: the same shards in a map of Java-serialised values, kept as objects (rnn4j's map settings) or
     * in Hazelcast's default binary form (deserialised and serialised again by every push, on both replicas).
     */
    static IMap<Integer, JavaShard> javaShards(HazelcastInstance me, String name, ShardPlan plan, float[] values) {
        IMap<Integer, JavaShard> map = me.getMap(name);
        for (int k = 0; k < plan.count(); k++) {
            map.set(k, new JavaShard(Arrays.copyOfRange(values, plan.from(k), plan.to(k))));
        }
        return map;
    }

    static void javaPush(IMap<Integer, JavaShard> map, ShardPlan plan, float[] grads) {
        List<CompletableFuture<Long>> pending = new ArrayList<>();
        for (int k = 0; k < plan.count(); k++) {
            pending.add(map.submitToKey(k, new JavaPush(Arrays.copyOfRange(grads, plan.from(k), plan.to(k))))
                    .toCompletableFuture());
        }
        pending.forEach(CompletableFuture::join);
    }

    /** Adam's state beside the values, Java-serialised. */
    record JavaShard(float[] values, float[] m, float[] v, long[] t) implements Serializable {
        JavaShard(float[] values) {
            this(values, new float[values.length], new float[values.length], new long[1]);
        }
    }

    /** Applies the same Adam update through a Java-serialised processor. */
    record JavaPush(float[] grads) implements EntryProcessor<Integer, JavaShard, Long> {
        @Override
        public Long process(Map.Entry<Integer, JavaShard> entry) {
            JavaShard s = entry.getValue();
            long t = ++s.t()[0];
            new Adam(1e-3f).spec().update(s.values(), grads, new float[][]{s.m(), s.v()}, 0, grads.length, t, 1e-3f);
            entry.setValue(s);
            return t;
        }
    }
}
