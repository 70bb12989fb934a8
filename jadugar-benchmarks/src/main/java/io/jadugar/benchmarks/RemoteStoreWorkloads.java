package io.jadugar.benchmarks;

import org.openjdk.jmh.annotations.Param;

/**
 * The workloads on a remote store: values always travel as bytes, and the cache is filled in
 * batches because one network call per key would make set-up longer than the measurement.
 */
public abstract class RemoteStoreWorkloads extends CacheWorkloads {

  /** Always {@code value}: a remote store holds bytes. A param only so that rows read like the memory table's. */
  @Param({"value"})
  public String storeBy;

  @Override
  protected boolean storesByValue() {
    return true;
  }

  @Override
  protected void fill(CacheTarget target) {
    fillInBatches(target, 1000);
  }
}
