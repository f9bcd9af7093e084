package org.sacip.agent.control;

import java.util.List;
import org.sacip.control.FlushResult;
import org.sacip.control.GhostRow;
import org.sacip.control.PeerRow;
import org.sacip.control.SessionRow;
import org.sacip.control.StatusView;

/**
 * What the control socket can ask of the running agent (docs/CONTROL.md). The server calls these from its own
 * threads; an implementation answers from thread-safe snapshots and never waits on the agent's busy threads, so
 * the socket stays responsive under load.
 */
public interface ControlApi {
    StatusView status();

    List<SessionRow> sessions();

    List<PeerRow> peers();

    List<GhostRow> ghosts();

    /** Removes every remapping and ghost the agent added and reloads its tables empty (root only; the server checks). */
    FlushResult flush() throws ControlException;
}
