/**
 * The Hazelcast store's benchmarks: Jadugar's store (client mode), Hazelcast's own JCache provider
 * (client mode) and raw {@code IMap} calls through a Hazelcast client, on the one member that
 * {@code run.sh} starts.
 */
package io.jadugar.benchmarks.hazelcast;
