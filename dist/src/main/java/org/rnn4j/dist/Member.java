package org.rnn4j.dist;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import java.util.List;
import java.util.UUID;

/**
 * Starts an embedded Hazelcast member with rnn4j's safe defaults: bound to loopback (127.0.0.1) unless told
 * otherwise, multicast and cloud auto-detection off (TCP/IP join with explicit members), a cluster name unique to
 * the job by default, Hazelcast's own logging routed to {@code java.util.logging} and its phone-home off, rnn4j's
 * serialisation registered, and the parameter maps configured (backups, values kept as objects so a push does not
 * deserialise its shard).
 *
 * <p>Open-source Hazelcast has no authentication and no TLS: anyone who can reach a member's port can join the
 * cluster given its name, and read or change the parameters. Bind to a private interface only.
 */
public final class Member {

    /** Prefix of every map rnn4j creates; the map settings apply to these names. */
    public static final String MAP_PREFIX = "rnn4j.";

    private Member() {
    }

    /**
     * How to start a member.
     *
     * @param clusterName       members join only a cluster of this name
     * @param bindAddress       the interface to bind to and announce (127.0.0.1 by default)
     * @param port              the first port to try
     * @param portCount         how many ports from {@code port} to try: 1 for exactly {@code port}, 100 by default
     * @param members           the members to join, {@code host} (then the 20 ports from {@code port} are tried) or
     *                          {@code host:port} (TCP/IP join); the bind address when empty
     * @param backupCount       synchronous backups of every shard (1: one member may die without losing one)
     * @param maxNoHeartbeatSeconds a member silent this long is taken as dead and its shards' backups take over
     * @param logging           Hazelcast's {@code hazelcast.logging.type}: {@code jdk} (default) or {@code none}
     */
    public record Options(String clusterName, String bindAddress, int port, int portCount, List<String> members,
                          int backupCount, int maxNoHeartbeatSeconds, String logging) {

        public Options {
            if (clusterName == null || clusterName.isBlank()) {
                throw new IllegalArgumentException("a cluster name is required (Options.defaults() makes a unique one)");
            }
            if (bindAddress == null || bindAddress.isBlank()) {
                bindAddress = "127.0.0.1";
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("the port must be in 1..65535, got " + port);
            }
            if (portCount < 1 || port + portCount - 1 > 65535) {
                throw new IllegalArgumentException("the ports tried must be in 1..65535, got " + portCount + " from "
                        + port);
            }
            members = members == null || members.isEmpty() ? List.of(bindAddress) : List.copyOf(members);
            if (backupCount < 0 || backupCount > 6) {
                throw new IllegalArgumentException("the backup count must be in 0..6 (Hazelcast's limit), got "
                        + backupCount);
            }
            if (maxNoHeartbeatSeconds < 1) {
                throw new IllegalArgumentException("the heartbeat timeout must be ≥ 1 s, got " + maxNoHeartbeatSeconds);
            }
            if (!"jdk".equals(logging) && !"none".equals(logging)) {
                throw new IllegalArgumentException("Hazelcast logging must be jdk or none, got " + logging);
            }
        }

        /**
         * Loopback, port 5701 (or the first free one of the next 99), a new unique cluster name, one backup, a 15 s
         * heartbeat timeout, JUL logging.
         */
        public static Options defaults() {
            return new Options(uniqueClusterName(), "127.0.0.1", 5701, 100, List.of(), 1, 15, "jdk");
        }

        public Options withClusterName(String name) {
            return new Options(name, bindAddress, port, portCount, members, backupCount, maxNoHeartbeatSeconds, logging);
        }

        public Options withBind(String address, int port) {
            return new Options(clusterName, address, port, portCount, members, backupCount, maxNoHeartbeatSeconds,
                    logging);
        }

        /** Binds to exactly {@code port} (1) or to the first free one of {@code count} ports from it. */
        public Options withPortCount(int count) {
            return new Options(clusterName, bindAddress, port, count, members, backupCount, maxNoHeartbeatSeconds,
                    logging);
        }

        public Options withMembers(List<String> members) {
            return new Options(clusterName, bindAddress, port, portCount, members, backupCount, maxNoHeartbeatSeconds,
                    logging);
        }

        public Options withBackupCount(int n) {
            return new Options(clusterName, bindAddress, port, portCount, members, n, maxNoHeartbeatSeconds, logging);
        }

        public Options withMaxNoHeartbeatSeconds(int s) {
            return new Options(clusterName, bindAddress, port, portCount, members, backupCount, s, logging);
        }

        public Options withLogging(String type) {
            return new Options(clusterName, bindAddress, port, portCount, members, backupCount, maxNoHeartbeatSeconds,
                    type);
        }
    }

    /** A cluster name no other job uses: {@code rnn4j-} and 12 random hex digits. */
    public static String uniqueClusterName() {
        return "rnn4j-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** The Hazelcast configuration {@link #start} uses, for callers that want to change more. */
    public static Config config(Options o) {
        Config c = new Config();
        c.setClusterName(o.clusterName());
        c.setInstanceName(o.clusterName() + "-" + UUID.randomUUID().toString().substring(0, 8));
        c.setProperty("hazelcast.logging.type", o.logging());
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.socket.bind.any", "false");
        c.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(o.maxNoHeartbeatSeconds()));
        c.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(Math.max(1, o.maxNoHeartbeatSeconds() / 5)));
        c.setProperty("hazelcast.wait.seconds.before.join", "1");
        c.setProperty("hazelcast.tcp.join.port.try.count", "20");
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(o.port()).setPortAutoIncrement(o.portCount() > 1).setPortCount(o.portCount());
        net.getInterfaces().setEnabled(true).addInterface(o.bindAddress());
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(o.members());
        c.addMapConfig(new MapConfig(MAP_PREFIX + "*")
                .setBackupCount(o.backupCount())
                .setAsyncBackupCount(0)
                .setInMemoryFormat(InMemoryFormat.OBJECT));
        return DistSerialization.register(c);
    }

    /** Starts a member and returns once it has joined its cluster (or formed it). */
    public static HazelcastInstance start(Options o) {
        return Hazelcast.newHazelcastInstance(config(o));
    }
}
