package dev.shipgate.producer.campaign;

import dev.shipgate.producer.fault.FaultContext;
import dev.shipgate.producer.fault.FaultSpec;
import dev.shipgate.producer.remote.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the cluster back between cycles and on abort: the defensive clean-up of every fault class
 * (the classes in parallel), SIGCONT to every node, a restart of any node whose process is gone.
 */
final class Restorer {
  private static final Logger log = LoggerFactory.getLogger(Restorer.class);

  private final RunContext run;
  private final List<FaultSpec> faults;

  Restorer(RunContext run, List<FaultSpec> faults) {
    this.run = run;
    this.faults = List.copyOf(faults);
  }

  /** The clean-up of every fault class: nothing any of them can leave stays behind. */
  void cleanUpAll(FaultContext context) {
    List<Future<?>> running = new ArrayList<>();
    for (FaultSpec f : faults) {
      running.add(run.observers.submit(() -> {
        try {
          f.newWorker().cleanUp(context);
        } catch (RuntimeException e) {
          log.error("cleanUp of {} failed", f.faultClass(), e);
        }
      }));
    }
    running.forEach(run::await);
  }

  void restore(boolean cleanUp, boolean resume, boolean restart, int cycle) {
    if (cleanUp) {
      cleanUpAll(run.faultContext(run.nodes.get(0), cycle));
    }
    List<Future<?>> running = new ArrayList<>();
    for (Node n : run.nodes) {
      running.add(run.observers.submit(() -> {
        if (resume) {
          run.processes.resume(n);
        }
        if (restart) {
          run.processes.restartIfDead(n);
        }
      }));
    }
    running.forEach(run::await);
  }
}
