/**
 * Asynchronous distributed training (Downpour SGD, Dean et al. 2012; Sak et al. 2014) on Hazelcast: a parameter
 * server whose shards are entries of a partitioned map, updated by entry processors that apply the optimizers' own
 * range update ({@link org.rnn4j.optim.OptimizerSpec}), and workers that are full model replicas, each a
 * {@link org.rnn4j.train.Trainer} over its data shard pushing and fetching through an
 * {@link org.rnn4j.train.Updater}. Start with {@link org.rnn4j.dist.DistributedTrainer} (the coordinator); a
 * {@link org.rnn4j.dist.WorkerHost} on a member of another JVM runs the workers a coordinator assigns it, from the
 * published {@link org.rnn4j.dist.Job}. docs/distributed.md describes the design, the options, the fault behaviour
 * and the measurements.
 */
package org.rnn4j.dist;
