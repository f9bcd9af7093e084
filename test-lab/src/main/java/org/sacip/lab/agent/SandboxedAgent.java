package org.sacip.lab.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.LabException;

/**
 * An agent under the systemd unit's sandbox, emulated without systemd (systemd is not PID 1 in the lab), so the
 * agent meets what the installed service meets:
 * <ul>
 * <li>its own mount namespace ({@code unshare --mount --propagation private}), in which every mount is read-only
 * but /proc, /sys and /dev ({@code ProtectSystem=strict}) and the runtime and state directories
 * ({@code RuntimeDirectory}, {@code StateDirectory});</li>
 * <li>/home, /root and /run/user empty and read-only ({@code ProtectHome}), /tmp and /var/tmp its own empty tmpfs
 * ({@code PrivateTmp});</li>
 * <li>run as the unit's user and group with only CAP_NET_ADMIN and CAP_NET_RAW, ambient and bounding, and no new
 * privileges ({@code User=}, {@code AmbientCapabilities}, {@code CapabilityBoundingSet}, {@code NoNewPrivileges}),
 * in a clean environment with systemd's PATH.</li>
 * </ul>
 * The host's directories are /run/sacip-lab/NS/run (the control socket) and /run/sacip-lab/NS/state, owned by the
 * user, in place of /run/sacip and /var/lib/sacip, so tests never collide with each other or with an installed agent.
 * The agent binary is a parameter: bin/sacip-agent of the checkout, or the package's /usr/bin/sacip-agent.
 * {@link #withReadOnlyKernelTunables()} adds {@code ProtectKernelTunables} (/proc/sys and /sys read-only).
 * {@link #withUnitDirectories()} gives the installed agent the unit's own directories instead, /var/cache/sacip
 * ({@code CacheDirectory}, where the launcher writes its class-data archive) among them.
 * Not emulated: RestrictAddressFamilies (a seccomp filter), and LimitNICE (raising RLIMIT_NICE needs
 * CAP_SYS_RESOURCE, which root in a container may lack): the agent's event threads keep nice 0 here.
 */
public final class SandboxedAgent implements AgentLauncher {
    /** The unit's capabilities, as setpriv(1) names them. */
    public static final String CAPABILITIES = "-all,+net_admin,+net_raw";
    /** systemd's PATH for services. */
    private static final String SERVICE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * Runs as root inside the host's namespace and the new mount namespace: $1 uid, $2 gid, $3 runtime dir, $4 state
     * dir, $5 "read-only" for read-only kernel tunables, $6 cache dir (empty: none), then the agent's command line.
     * Fails loudly (and the agent never starts) when any part cannot be set up.
     */
    private static final String SCRIPT = """
            set -euo pipefail
            uid=$1 gid=$2 runtime=$3 state=$4 tunables=$5 cache=$6
            shift 6
            fail() { echo "sacip sandbox: $*" >&2; exit 1; }
            # ProtectSystem=strict: every mount read-only but the API file systems. findmnt -r escapes blanks as \\x20.
            while IFS= read -r target; do
              target=$(printf '%b' "$target")
              case $target in /proc | /proc/* | /sys | /sys/* | /dev | /dev/*) continue ;; esac
              mount -o remount,bind,ro "$target" || fail "cannot make $target read-only"
            done < <(findmnt -rn -o TARGET)
            # RuntimeDirectory, StateDirectory and CacheDirectory (when given): the only places the agent may write.
            for dir in "$runtime" "$state" ${cache:+"$cache"}; do
              mount --bind "$dir" "$dir" && mount -o remount,bind,rw "$dir" || fail "cannot make $dir writable"
            done
            # ProtectHome: empty and read-only.
            for dir in /home /root /run/user; do
              if [[ -d $dir ]]; then mount -t tmpfs -o ro,mode=0755 tmpfs "$dir" || fail "cannot hide $dir"; fi
            done
            # PrivateTmp: an empty /tmp and /var/tmp of its own.
            for dir in /tmp /var/tmp; do
              mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$dir" || fail "cannot give a private $dir"
            done
            # ProtectKernelTunables, when asked for.
            if [[ $tunables == read-only ]]; then
              for dir in /proc/sys /sys; do
                mount --bind "$dir" "$dir" && mount -o remount,bind,ro "$dir" || fail "cannot make $dir read-only"
              done
            fi
            caps=@CAPABILITIES@
            exec setpriv --reuid "$uid" --regid "$gid" --init-groups --inh-caps="$caps" --ambient-caps="$caps" \\
              --bounding-set="$caps" --no-new-privs \\
              env -i PATH=@PATH@ RUNTIME_DIRECTORY="$runtime" STATE_DIRECTORY="$state" \\
              ${cache:+CACHE_DIRECTORY="$cache"} "$@"
            """.replace("@CAPABILITIES@", CAPABILITIES).replace("@PATH@", SERVICE_PATH);

    /** The unit's RuntimeDirectory, StateDirectory and CacheDirectory with their modes (sacip-agent.service). */
    private static final List<UnitDirectory> UNIT_DIRECTORIES = List.of(
            new UnitDirectory(Path.of("/run/sacip"), "rwxr-x---"),
            new UnitDirectory(Path.of("/var/lib/sacip"), "rwx------"),
            new UnitDirectory(Path.of("/var/cache/sacip"), "rwx------"));

    /** A directory systemd makes for the unit, owned by its user, with the unit's mode. */
    private record UnitDirectory(Path path, String mode) {
    }

    private final Path agentBinary;
    private final SandboxUser user;
    private final boolean readOnlyKernelTunables;
    private final List<String> agentArguments;
    private final boolean unitDirectories;

    private SandboxedAgent(Path agentBinary, SandboxUser user, boolean readOnlyKernelTunables,
            List<String> agentArguments, boolean unitDirectories) {
        this.agentBinary = agentBinary;
        this.user = user;
        this.readOnlyKernelTunables = readOnlyKernelTunables;
        this.agentArguments = List.copyOf(agentArguments);
        this.unitDirectories = unitDirectories;
    }

    /**
     * The given agent program under the unit's sandbox, as the given user.
     *
     * @param agentBinary bin/sacip-agent of a checkout or /usr/bin/sacip-agent; it and what it reads must be
     *        readable by the user
     */
    public static SandboxedAgent of(Path agentBinary, SandboxUser user) {
        if (!Files.isExecutable(agentBinary)) {
            throw new LabException(agentBinary + " is not an executable file: build or install the agent first");
        }
        return new SandboxedAgent(agentBinary.toAbsolutePath(), user, false, List.of(), false);
    }

    /** The same with /proc/sys and /sys read-only as well, as systemd's ProtectKernelTunables makes them. */
    public SandboxedAgent withReadOnlyKernelTunables() {
        return new SandboxedAgent(agentBinary, user, true, agentArguments, unitDirectories);
    }

    /**
     * The same with these arguments right after the agent program (before the lab's {@code --control-socket} and
     * {@code --state-dir}), as a unit's ExecStart gives {@code --config /etc/sacip/agent.conf}. The files they name
     * must be readable by the user inside the sandbox.
     */
    public SandboxedAgent withAgentArguments(List<String> arguments) {
        return new SandboxedAgent(agentBinary, user, readOnlyKernelTunables, arguments, unitDirectories);
    }

    /**
     * The same with the unit's own directories, as systemd makes them for it: /run/sacip (0750, the control socket),
     * /var/lib/sacip (0700) and /var/cache/sacip (0700, the launcher's class-data archive), owned by the user and
     * writable in the sandbox; only the agent's log stays under /run/sacip-lab/NS. For the installed package's agent,
     * one per machine: these are the package's directories, which its purge deletes and the lab leaves alone.
     */
    public SandboxedAgent withUnitDirectories() {
        return new SandboxedAgent(agentBinary, user, readOnlyKernelTunables, agentArguments, true);
    }

    @Override
    public Path agentBinary() {
        return agentBinary;
    }

    public SandboxUser user() {
        return user;
    }

    /**
     * /run/sacip-lab/NS (root's), with run/ and state/ in it owned by the user, mode 0755 as systemd makes them; or,
     * {@link #withUnitDirectories() with the unit's directories}, those.
     */
    @Override
    public AgentDirectories prepare(String namespace) {
        Path base = Agents.RUN_DIR.resolve(namespace);
        List<UnitDirectory> owned = unitDirectories ? UNIT_DIRECTORIES
                : List.of(new UnitDirectory(base.resolve("run"), "rwxr-xr-x"),
                        new UnitDirectory(base.resolve("state"), "rwxr-xr-x"));
        AgentDirectories directories = new AgentDirectories(base, owned.get(0).path(), owned.get(1).path());
        try {
            Files.createDirectories(base);
            for (UnitDirectory dir : owned) {
                Files.createDirectories(dir.path());
                Files.setPosixFilePermissions(dir.path(), PosixFilePermissions.fromString(dir.mode()));
                Files.setAttribute(dir.path(), "unix:uid", user.uid());
                Files.setAttribute(dir.path(), "unix:gid", user.gid());
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new LabException("cannot prepare the sandboxed agent's directories under " + base + ": "
                    + e.getMessage(), e);
        }
        return directories;
    }

    /** {@code unshare --mount --propagation private -- bash -c SCRIPT ... setpriv ... env -i ... AGENT}. */
    @Override
    public List<String> command(String namespace, AgentDirectories directories) {
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--", "/bin/bash", "-c", SCRIPT,
                "sacip-sandbox", Integer.toString(user.uid()), Integer.toString(user.gid()),
                directories.runtime().toString(), directories.state().toString(),
                readOnlyKernelTunables ? "read-only" : "writable",
                unitDirectories ? UNIT_DIRECTORIES.get(2).path().toString() : "",
                agentBinary.toString()));
        command.addAll(agentArguments);
        return command;
    }

    @Override
    public String toString() {
        return agentBinary + " sandboxed as " + user + (readOnlyKernelTunables ? ", kernel tunables read-only" : "")
                + (unitDirectories ? ", in the unit's directories" : "");
    }
}
