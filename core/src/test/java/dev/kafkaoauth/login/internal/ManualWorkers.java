package dev.kafkaoauth.login.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Workers driven by the test: fetches run on the calling thread (or are held until released),
 * scheduled tasks run when the test advances time past their due time.
 */
final class ManualWorkers implements Workers {

    /** Stops a test whose code under test reschedules itself without end. */
    private static final int MAX_TASKS_PER_ADVANCE = 10_000;

    private final FakeTime time;
    private final List<Task> tasks = new ArrayList<>();
    private final Queue<Runnable> heldFetches = new ArrayDeque<>();
    private boolean holdFetches;
    private boolean rejectFetches;
    private int starts;
    private int stops;
    private boolean running;

    ManualWorkers(FakeTime time) {
        this.time = time;
    }

    @Override
    public Executor fetchExecutor() {
        return command -> {
            boolean hold;
            synchronized (this) {
                if (rejectFetches) {
                    throw new IllegalStateException("stopped");
                }
                hold = holdFetches;
                if (hold) {
                    heldFetches.add(command);
                }
            }
            if (!hold) {
                command.run();
            }
        };
    }

    @Override
    public synchronized Future<?> schedule(Runnable task, long delayNanos) {
        Task t = new Task(time.nanos() + delayNanos, task);
        tasks.add(t);
        return t;
    }

    @Override
    public synchronized void start() {
        starts++;
        running = true;
    }

    @Override
    public synchronized void stop() {
        stops++;
        running = false;
        tasks.forEach(t -> t.cancel(false));
        tasks.clear();
    }

    synchronized void holdFetches(boolean hold) {
        holdFetches = hold;
    }

    synchronized void rejectFetches(boolean reject) {
        rejectFetches = reject;
    }

    /** Runs the fetches held so far, on this thread. */
    void runHeldFetches() {
        List<Runnable> run = new ArrayList<>();
        synchronized (this) {
            run.addAll(heldFetches);
            heldFetches.clear();
        }
        run.forEach(Runnable::run);
    }

    synchronized int heldFetchCount() {
        return heldFetches.size();
    }

    synchronized int starts() {
        return starts;
    }

    synchronized int stops() {
        return stops;
    }

    synchronized boolean running() {
        return running;
    }

    /** Tasks not cancelled and not run yet. */
    synchronized List<Task> pending() {
        return tasks.stream().filter(t -> !t.isDone()).toList();
    }

    /** Moves time forward, running each task when its due time comes. */
    void advance(Duration d) {
        long target = time.nanos() + d.toNanos();
        for (int n = 0; ; n++) {
            if (n > MAX_TASKS_PER_ADVANCE) {
                throw new AssertionError("more than " + MAX_TASKS_PER_ADVANCE
                        + " scheduled tasks ran within " + d + ": a refresh loop?");
            }
            Task next;
            synchronized (this) {
                tasks.removeIf(Task::isDone);
                next = tasks.stream()
                        .filter(t -> t.due - target <= 0)
                        .min(Comparator.comparingLong(t -> t.due))
                        .orElse(null);
                if (next != null) {
                    tasks.remove(next);
                }
            }
            if (next == null) {
                break;
            }
            if (next.due - time.nanos() > 0) {
                time.setNanos(next.due);
            }
            next.run();
        }
        time.setNanos(target);
    }

    /** A scheduled task; cancelling it keeps it from running. */
    static final class Task implements Future<Object> {
        final long due;
        private final Runnable body;
        private volatile boolean cancelled;
        private volatile boolean done;

        Task(long due, Runnable body) {
            this.due = due;
            this.body = body;
        }

        void run() {
            if (!cancelled) {
                body.run();
            }
            done = true;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean was = !done && !cancelled;
            cancelled = true;
            return was;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
