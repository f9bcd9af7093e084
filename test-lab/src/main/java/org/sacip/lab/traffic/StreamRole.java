package org.sacip.lab.traffic;

/** What every single-stream role shares: its figures, the quiesce and closing flags, and how it reports. */
abstract class StreamRole implements TrafficRole {
    protected final boolean server;
    protected final EndpointOptions options;
    protected final StreamCounters counters = new StreamCounters();
    protected final DeliveryClock clock = new DeliveryClock(counters.gaps);
    protected String startTuple;
    protected volatile boolean sending = true;
    protected volatile boolean closing;

    protected StreamRole(boolean server, EndpointOptions options) {
        this.server = server;
        this.options = options;
    }

    protected abstract TrafficKind kind();

    protected abstract String endTuple();

    protected String sentHash() {
        return null;
    }

    protected String receivedHash() {
        return null;
    }

    /** A socket error is a failure unless this side is closing (then it is the end of the run). */
    protected void fail(String what) {
        if (!closing) {
            counters.fail(what);
        }
    }

    @Override
    public StreamCounters counters() {
        return counters;
    }

    @Override
    public void quiesce() {
        sending = false;
    }

    @Override
    public StreamReport report(long quiescedAtMs) {
        // From here on an EOF is the peer finishing too, not a failure. The socket stays open until the process
        // exits, so the peer can still take its own report without seeing this side close.
        closing = true;
        clock.finish(quiescedAtMs);
        counters.fineGaps.finish(quiescedAtMs * 1000);
        return counters.report(kind().cliName(), server ? "server" : "client", startTuple, endTuple(), 1,
                counters.failure() == null ? 0 : 1, clock.lastMs(), sentHash(), receivedHash());
    }
}
