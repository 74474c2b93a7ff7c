package org.rnn4j.cli;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import org.rnn4j.cli.options.ClusterOptions;
import org.rnn4j.dist.DistributedListener;
import org.rnn4j.dist.Member;
import org.rnn4j.dist.WorkerHost;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/** {@code rnn4j cluster}: members of a cluster for distributed training. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Runs members of a cluster for distributed training (train --workers N --cluster ...).",
        subcommands = {ClusterCommand.MemberCommand.class})
final class ClusterCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "name what to run, e.g. 'rnn4j cluster member'");
    }

    /** {@code rnn4j cluster member}: a member that stores parameter shards and runs the workers given to it. */
    @Command(name = "member", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Starts a cluster member that stores parameter shards and runs the workers of",
                    "jobs that 'rnn4j train --workers N --cluster HOST:PORT,...' publishes.",
                    "It prints its address and the members as they join and leave, and runs until",
                    "stopped (Ctrl-C hands its shards to the other members).",
                    "Open-source Hazelcast has no authentication and no encryption: anyone who can",
                    "reach the port and knows the cluster name can join, and read or change the",
                    "parameters. Members bind to 127.0.0.1 unless --bind says otherwise; bind only to",
                    "a private network you trust."})
    static final class MemberCommand implements Callable<Integer> {

        @Option(names = "--port", paramLabel = "P",
                description = "The port to listen on, exactly. Default: 5701, or the first free one of the next 99.")
        Integer port;

        @Option(names = "--members", split = ",", paramLabel = "HOST:PORT",
                description = "Members to join. Default: those on ports 5701-5720 of the --bind address.")
        List<String> members;

        @Option(names = "--cluster-name", defaultValue = ClusterOptions.DEFAULT_CLUSTER_NAME, paramLabel = "NAME",
                description = "Join only a cluster of this name (give train the same --cluster-name). Default: ${DEFAULT-VALUE}.")
        String clusterName;

        @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDR",
                description = "The address to listen on and announce. Default: ${DEFAULT-VALUE} (this machine only).")
        String bind;

        @Option(names = "--threads", paramLabel = "N",
                description = "Compute threads for this member's workers, split between them. Default: the number of cores.")
        Integer threads;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
            if (nThreads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, got " + nThreads);
            }
            if (port != null && (port < 1 || port > 65535)) {
                throw new IllegalArgumentException("--port must be in 1..65535, got " + port);
            }
            if (clusterName.isBlank()) {
                throw new IllegalArgumentException("--cluster-name must not be empty");
            }
            Member.Options o = Member.Options.defaults().withClusterName(clusterName)
                    .withBind(ClusterOptions.checkBind(bind, "--bind"), port != null ? port : 5701);
            if (port != null) {
                o = o.withPortCount(1);
            }
            if (members != null && !members.isEmpty()) {
                o = o.withMembers(ClusterOptions.addresses(members, "--members"));
            }
            Logger hazelcastLog = ClusterOptions.quietHazelcast();
            HazelcastInstance member;
            try {
                member = Member.start(o);
            } catch (RuntimeException e) {
                throw new IllegalStateException("the member could not start on " + bind + ":"
                        + (port != null ? port : "5701-5800") + ": " + message(e)
                        + (port != null ? " (is the port taken? another --port, or none for the first free one)" : ""),
                        e);
            }
            String self = address(member.getCluster().getLocalMember());
            out.println("rnn4j cluster member " + self + ", cluster '" + clusterName + "', " + nThreads
                    + (nThreads == 1 ? " compute thread" : " compute threads") + " for workers; stop with Ctrl-C");
            if (!isLoopback(member)) {
                err.println("rnn4j cluster member: listening on " + self + ", reachable from other machines:"
                        + " open-source Hazelcast has no authentication or encryption, so keep this port on a private"
                        + " network you trust");
            }
            out.println("members (" + member.getCluster().getMembers().size() + "): " + membersOf(member));
            out.flush();
            member.getCluster().addMembershipListener(new MembershipListener() {
                @Override
                public void memberAdded(MembershipEvent e) {
                    say(out, "member " + address(e.getMember()) + " joined; members (" + e.getMembers().size() + "): "
                            + membersOf(member));
                }

                @Override
                public void memberRemoved(MembershipEvent e) {
                    say(out, "member " + address(e.getMember()) + " left; members (" + e.getMembers().size() + "): "
                            + membersOf(member));
                }
            });
            WorkerHost host = WorkerHost.start(member, DistributedTrain.resolver(), nThreads, new DistributedListener() {
                @Override
                public void onEvent(String message) {
                    say(out, message);
                }
            });
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                say(out, "stopping: this member's workers stop and its shards move to the other members");
                host.close();
                member.shutdown();   // graceful: waits until its partitions are safe on the others
                stopped.countDown();
            }, "rnn4j-member-shutdown"));
            member.getLifecycleService().addLifecycleListener(e -> {
                if (e.getState() == com.hazelcast.core.LifecycleEvent.LifecycleState.SHUTDOWN) {
                    stopped.countDown();
                }
            });
            stopped.await();
            java.lang.ref.Reference.reachabilityFence(hazelcastLog);
            return 0;
        }

        private static synchronized void say(PrintWriter out, String line) {
            out.println(line);
            out.flush();
        }

        private static boolean isLoopback(HazelcastInstance m) {
            try {
                return m.getCluster().getLocalMember().getAddress().getInetAddress().isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }

        private static String membersOf(HazelcastInstance m) {
            StringBuilder b = new StringBuilder();
            for (com.hazelcast.cluster.Member x : m.getCluster().getMembers()) {
                b.append(b.isEmpty() ? "" : ", ").append(address(x)).append(x.localMember() ? " (this)" : "");
            }
            return b.toString();
        }

        private static String address(com.hazelcast.cluster.Member m) {
            return m.getAddress().getHost() + ":" + m.getAddress().getPort();
        }

        private static String message(Throwable t) {
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        }
    }
}
