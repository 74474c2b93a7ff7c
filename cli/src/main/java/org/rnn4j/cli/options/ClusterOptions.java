package org.rnn4j.cli.options;

import org.rnn4j.dist.Member;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Distributed training options of {@code train}: how many workers, which cluster, and the Downpour settings. Without
 * {@code --workers} none of them applies and train runs the single-JVM trainer.
 */
public final class ClusterOptions {

    /** The cluster name of {@code rnn4j cluster member} and of {@code train --cluster} when none is given. */
    public static final String DEFAULT_CLUSTER_NAME = "rnn4j";

    @Option(names = "--workers", paramLabel = "N",
            description = "Distributed training: N model replicas train asynchronously (Downpour SGD), each on every"
                    + " Nth sequence, pushing gradients to and fetching parameters from a sharded parameter server."
                    + " In this JVM, or with --cluster on the members of a cluster as well. --checkpoint-every is then"
                    + " in seconds (default 60) and --max-steps counts each worker's mini-batches.")
    Integer workers;

    @Option(names = "--cluster", split = ",", paramLabel = "HOST:PORT",
            description = "With --workers: join the cluster of these members (started with 'rnn4j cluster member') and"
                    + " spread the workers over them and this JVM. --data files must be at the same path on every"
                    + " member.")
    List<String> cluster;

    @Option(names = "--cluster-name", paramLabel = "NAME",
            description = "With --workers: the cluster's name; members join only a cluster of their name. Default: "
                    + DEFAULT_CLUSTER_NAME + " with --cluster, else a new name for this job alone.")
    String clusterName;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "With --workers: the address this JVM's member binds to; needed when the members are on"
                    + " other machines. Default: 127.0.0.1.")
    String bind;

    @Option(names = "--push-every", defaultValue = "1", paramLabel = "N",
            description = "With --workers: push a worker's summed gradients every N updates (n_push). Default: ${DEFAULT-VALUE}.")
    int pushEvery;

    @Option(names = "--fetch-every", defaultValue = "1", paramLabel = "N",
            description = "With --workers: fetch the parameters every N updates (n_fetch). Default: ${DEFAULT-VALUE}.")
    int fetchEvery;

    @Option(names = "--max-staleness", defaultValue = "-1", paramLabel = "K",
            description = "With --workers: the server refuses a push made more than K updates stale, and the worker"
                    + " fetches again; -1 for no limit. Default: ${DEFAULT-VALUE}.")
    int maxStaleness;

    @Option(names = "--shards", defaultValue = "0", paramLabel = "N",
            description = "With --workers: cut the parameters into N equal shards of the parameter server (entries of"
                    + " a Hazelcast map, spread over the members, each with a backup on another member); 0 for"
                    + " shards of about 64 Ki floats. Default: ${DEFAULT-VALUE}.")
    int shards;

    /** Whether --workers was given: train distributed. */
    public boolean distributed() {
        return workers != null;
    }

    /** --workers, checked. */
    public int workers() {
        if (workers == null || workers < 1) {
            throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
        }
        return workers;
    }

    public int pushEvery() {
        if (pushEvery < 1) {
            throw new IllegalArgumentException("--push-every must be at least 1, got " + pushEvery);
        }
        return pushEvery;
    }

    public int fetchEvery() {
        if (fetchEvery < 1) {
            throw new IllegalArgumentException("--fetch-every must be at least 1, got " + fetchEvery);
        }
        return fetchEvery;
    }

    public int maxStaleness() {
        if (maxStaleness < -1) {
            throw new IllegalArgumentException("--max-staleness must be 0 or more, or -1 for no limit, got "
                    + maxStaleness);
        }
        return maxStaleness;
    }

    /** --shards, checked: 0 for the default shard size. */
    public int shards() {
        if (shards < 0) {
            throw new IllegalArgumentException("--shards must be 0 (shards of about 64 Ki floats) or more, got " + shards);
        }
        return shards;
    }

    /** Whether --cluster was given: members in other JVMs take workers. */
    public boolean hasCluster() {
        return cluster != null && !cluster.isEmpty();
    }

    /** Refuses the options of distributed training on a single-JVM run, rather than ignoring them. */
    public void refuseWithoutWorkers() {
        if (workers == null && (hasCluster() || clusterName != null || bind != null || pushEvery != 1
                || fetchEvery != 1 || maxStaleness != -1 || shards != 0)) {
            throw new IllegalArgumentException("--cluster, --cluster-name, --bind, --push-every, --fetch-every,"
                    + " --max-staleness and --shards are for distributed training: add --workers N");
        }
    }

    /**
     * The member options of this JVM's member: loopback (or --bind), and with --cluster its members and name
     * (default {@value #DEFAULT_CLUSTER_NAME}), else a cluster name for this job alone.
     */
    public Member.Options memberOptions() {
        Member.Options o = Member.Options.defaults();
        if (bind != null) {
            o = o.withBind(checkBind(bind, "--bind"), o.port());
        }
        if (hasCluster()) {
            List<String> members = addresses(cluster, "--cluster");
            if (bind == null) {
                for (String m : members) {
                    if (!isLoopback(m.substring(0, m.lastIndexOf(':')))) {
                        throw new IllegalArgumentException("--cluster " + m + " is another machine, and this JVM's"
                                + " member binds to 127.0.0.1 unless told otherwise: give --bind with this machine's"
                                + " address on the cluster's network");
                    }
                }
            }
            o = o.withMembers(members).withClusterName(clusterName != null ? clusterName : DEFAULT_CLUSTER_NAME);
        } else if (clusterName != null) {
            o = o.withClusterName(clusterName);
        }
        return o;
    }

    /**
     * On --resume: the run goes on where the resume command line says, not on the original run's members (usually
     * gone): with its --cluster, under its --cluster-name or else the original run's name; without --cluster in this
     * JVM alone, under a name of its own unless --cluster-name is given. --bind is the resume's, else the original's.
     */
    public void placeAs(ClusterOptions given) {
        cluster = given.cluster;
        clusterName = given.clusterName != null ? given.clusterName : given.hasCluster() ? clusterName : null;
        bind = given.bind != null ? given.bind : bind;
    }

    /** The --cluster addresses as given, or an empty list. */
    public List<String> clusterGiven() {
        return cluster == null ? List.of() : List.copyOf(cluster);
    }

    /** Checks HOST:PORT addresses: a port in 1..65535 and a host name that resolves. */
    public static List<String> addresses(List<String> given, String option) {
        List<String> out = new ArrayList<>();
        for (String a : given) {
            String s = a.trim();
            int colon = s.lastIndexOf(':');
            int port;
            try {
                port = colon < 1 ? -1 : Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(option + " takes HOST:PORT addresses separated by commas, e.g."
                        + " 127.0.0.1:5701,127.0.0.1:5702; got '" + a + "'");
            }
            out.add(checkAddress(s.substring(0, colon), option) + ":" + port);
        }
        return out;
    }

    /** A host name or address that resolves, as given. */
    public static String checkAddress(String host, String option) {
        try {
            InetAddress.getByName(host);
            return host;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(option + ": unknown host '" + host + "'");
        }
    }

    /**
     * A --bind address: one of this machine's (Hazelcast cannot listen on another, and says so only in its log), as
     * given.
     */
    public static String checkBind(String host, String option) {
        checkAddress(host, option);
        try {
            InetAddress a = InetAddress.getByName(host);
            if (a.isLoopbackAddress() || a.isAnyLocalAddress() || java.net.NetworkInterface.getByInetAddress(a) != null) {
                return host;
            }
            List<String> own = new ArrayList<>();
            for (java.net.NetworkInterface n : java.util.Collections.list(java.net.NetworkInterface
                    .getNetworkInterfaces())) {
                for (InetAddress x : java.util.Collections.list(n.getInetAddresses())) {
                    if (!x.isLinkLocalAddress()) {
                        own.add(x.getHostAddress());
                    }
                }
            }
            throw new IllegalArgumentException(option + " " + host + " is not an address of this machine; its"
                    + " addresses: " + String.join(", ", own));
        } catch (java.net.SocketException | UnknownHostException e) {
            throw new IllegalArgumentException(option + " " + host + ": " + e.getMessage());
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Quiets Hazelcast's own log (java.util.logging, to stderr) to errors, or to the level in RNN4J_HAZELCAST_LOG
     * (e.g. INFO); rnn4j reports members joining and leaving itself. Returns the logger, which the caller keeps so
     * that the level holds.
     */
    public static Logger quietHazelcast() {
        Logger log = Logger.getLogger("com.hazelcast");
        String level = System.getenv("RNN4J_HAZELCAST_LOG");
        try {
            log.setLevel(level == null ? Level.SEVERE : Level.parse(level.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("RNN4J_HAZELCAST_LOG must be a java.util.logging level (SEVERE, WARNING,"
                    + " INFO, FINE), got '" + level + "'");
        }
        return log;
    }
}
