package dev.kafkaoauth.login.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one token cache: one scheduler thread for refresh points, and fetch threads
 * that live only while a request is in flight. Started when the first handler opens, stopped
 * when the last one closes. Threads are daemons without a context class loader, so nothing
 * they hold pins a plugin's class loader. Tests substitute a manual implementation.
 */
public interface Workers {

    /** Runs a fetch. */
    Executor fetchExecutor();

    /** Runs a task after a delay; the returned handle cancels it. */
    Future<?> schedule(Runnable task, long delayNanos);

    /** Starts the threads if they are not running. */
    void start();

    /** Stops the threads; scheduled tasks are dropped. */
    void stop();

    /** Real threads. */
    static Workers threads(String name) {
        return new ThreadWorkers(name);
    }

    /** Daemon threads owned by the library. */
    final class ThreadWorkers implements Workers {
        private final String name;
        private ScheduledThreadPoolExecutor scheduler;
        private ThreadPoolExecutor fetchers;

        ThreadWorkers(String name) {
            this.name = name;
        }

        @Override
        public synchronized Executor fetchExecutor() {
            ThreadPoolExecutor f = fetchers;
            return f != null ? f : Runnable::run;
        }

        @Override
        public synchronized Future<?> schedule(Runnable task, long delayNanos) {
            if (scheduler == null) {
                return null;
            }
            return scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public synchronized void start() {
            if (scheduler == null) {
                scheduler = new ScheduledThreadPoolExecutor(1, factory(name + "-scheduler"));
                scheduler.setRemoveOnCancelPolicy(true);
                scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
                fetchers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
                        new SynchronousQueue<>(), factory(name + "-fetch"));
            }
        }

        @Override
        public synchronized void stop() {
            if (scheduler != null) {
                scheduler.shutdownNow();
                fetchers.shutdown();
                scheduler = null;
                fetchers = null;
            }
        }

        private static ThreadFactory factory(String prefix) {
            AtomicInteger count = new AtomicInteger();
            return r -> {
                Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
                t.setDaemon(true);
                t.setContextClassLoader(null);
                return t;
            };
        }
    }
}
