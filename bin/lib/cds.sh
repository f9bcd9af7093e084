# shellcheck shell=bash
# Class-data sharing (AppCDS) for the JVM launchers: bin/sacip-agent, bin/sacipctl and the installed ones.
# An archive holds the classes a JVM loaded, parsed and verified, so that the next start maps them instead of reading
# and checking them from jars again. It is valid only for the JVM build and the jars that wrote it: its name carries a
# stamp of both (sacip_cds_stamp), so another JDK or a rebuild simply makes a new one. The JVM maps an archive blindly
# (a truncated one crashes it even with -Xshare:auto), so an archive is used only after `java -Xshare:on` accepted it
# once (sacip_cds_usable). None of these functions ever stops a launcher: what cannot be checked or written is not used.

# A refused archive may crash the checking JVM: no crash report or core file from that.
SACIP_CDS_CHECK=(-Xshare:on -XX:-CreateCoredumpOnCrash -XX:ErrorFile=/dev/null)

# sacip_cds_java: prints the java to run: $JAVA_HOME/bin/java when JAVA_HOME is set, else java from PATH.
sacip_cds_java() {
  if [[ -n "${JAVA_HOME:-}" ]]; then
    echo "$JAVA_HOME/bin/java"
  else
    echo java
  fi
}

# sacip_cds_stamp JAVA CLASSPATH: prints 16 hex digits naming the JVM build and every jar of CLASSPATH (entries
# separated by ':', DIR/* standing for the jars in DIR as for java -cp); prints nothing and fails without a java.
sacip_cds_stamp() {
  local java=$1 classpath=$2 binary entry entries files=()
  binary=$(command -v "$java") && binary=$(readlink -f "$binary") || return 1
  IFS=: read -r -a entries <<< "$classpath"
  for entry in "${entries[@]}"; do
    if [[ $entry == */\* ]]; then
      files+=("${entry%\*}"*.jar)
    else
      files+=("$entry")
    fi
  done
  # A file that cannot be read still changes the stamp (by its missing line); it never fails the pipeline.
  { echo "$binary"; stat -L -c '%n %s %Y' "$binary" "${binary%/*}/../lib/modules" "${files[@]}" || true; } \
    2> /dev/null | md5sum | cut -c1-16
}

# sacip_cds_accepted JAVA CLASSPATH ARCHIVE: whether this JVM maps ARCHIVE with these jars (-Xshare:on fails if not).
sacip_cds_accepted() {
  "$1" "${SACIP_CDS_CHECK[@]}" -XX:SharedArchiveFile="$3" -cp "$2" -version > /dev/null 2>&1
}

# sacip_cds_usable JAVA CLASSPATH ARCHIVE: whether ARCHIVE exists and was accepted. The check runs once; the
# archive's size, time and inode are then kept in ARCHIVE.ok, so later calls cost one stat. A refused one is deleted.
sacip_cds_usable() {
  local java=$1 classpath=$2 archive=$3 ok="" now
  [[ -f $archive ]] || return 1
  now=$(stat -c '%s %Y %i' "$archive" 2> /dev/null) || return 1
  if [[ -f $archive.ok ]]; then
    read -r ok < "$archive.ok" || true
  fi
  if [[ "$ok" == "$now" ]]; then
    return 0
  fi
  # Changed since it was checked (or never checked): check again, and drop it when the JVM refuses it.
  if sacip_cds_accepted "$java" "$classpath" "$archive"; then
    echo "$now" > "$archive.ok" 2> /dev/null || true
    return 0
  fi
  rm -f "$archive" "$archive.ok" 2> /dev/null
  return 1
}

# sacip_cds_adopt JAVA CLASSPATH ARCHIVE: takes over an archive a previous run wrote at its exit (ARCHIVE.PID.tmp, see
# sacip_cds_write_at_exit) once that run is over and the JVM accepts it, then answers as sacip_cds_usable.
sacip_cds_adopt() {
  local java=$1 classpath=$2 archive=$3 tmp pid
  for tmp in "$archive".*.tmp; do
    [[ -f $tmp ]] || continue
    pid=${tmp%.tmp}
    pid=${pid##*.}
    if kill -0 "$pid" 2> /dev/null; then continue; fi # still running: its archive is not written yet
    if [[ ! -f $archive ]] && sacip_cds_accepted "$java" "$classpath" "$tmp"; then
      mv -f "$tmp" "$archive" && stat -c '%s %Y %i' "$archive" > "$archive.ok"
    else
      rm -f "$tmp"
    fi
  done
  sacip_cds_usable "$java" "$classpath" "$archive"
}

# sacip_cds_write_at_exit ARCHIVE: prints the JVM options that make the JVM (started by exec from this shell, so with
# its pid) write ARCHIVE.PID.tmp as it exits, for sacip_cds_adopt to take over later; one option a line.
sacip_cds_write_at_exit() {
  printf '%s\n' "-XX:ArchiveClassesAtExit=$1.$$.tmp" "-Xlog:cds=off,cds+dynamic=off"
}

# sacip_cds_records_flight [OPTION...]: whether a flight recording is asked for, in the given JVM options or in
# JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS. A JVM that writes an archive at exit runs without JFR ("JFR will be disabled
# during CDS dumping"): the recording asked for would silently not happen, and jcmd would not know JFR.dump.
sacip_cds_records_flight() {
  [[ " $* ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} " == *-XX:StartFlightRecording* ]]
}

# sacip_cds_forget_others DIR NAME STAMP: deletes NAME's archives of other JDKs or builds in DIR (of no use any more).
sacip_cds_forget_others() {
  find "$1" -maxdepth 1 -name "$2-*.jsa*" ! -name "$2-$3.jsa*" -delete 2> /dev/null || true
}

# sacip_cds_create JAVA CLASSPATH ARCHIVE MAIN [ARGS...]: writes ARCHIVE now, from a run of MAIN (a training run that
# loads what the real runs load), and keeps it only if the JVM then accepts it; fails when it could not.
sacip_cds_create() {
  local java=$1 classpath=$2 archive=$3 tmp="$3.$$.tmp"
  shift 3
  if "$java" -XX:ArchiveClassesAtExit="$tmp" -Xlog:cds=off,cds+dynamic=off -cp "$classpath" "$@" > /dev/null 2>&1 \
      && sacip_cds_accepted "$java" "$classpath" "$tmp" && mv -f "$tmp" "$archive"; then
    stat -c '%s %Y %i' "$archive" > "$archive.ok" 2> /dev/null || true
    return 0
  fi
  rm -f "$tmp" 2> /dev/null
  return 1
}
