"""The shell scripts the Airbyte platform runs in a connector container.

Since Airbyte 1.0 the workload launcher ignores the image's ENTRYPOINT: it
starts the connector container with command ["sh", "-c", SCRIPT] (see
shared/reference/airbyte-protocol.md section 6.2).  The text below is the
script of airbyte-platform's ContainerCommandFactory.kt
(io.airbyte.workload.launcher.pods.factories), with its Kotlin template
values substituted from io.airbyte.workers.pod.FileConstants:

    CONFIG_DIR /config        SOURCE_DIR /source
    JOB_OUTPUT_FILE jobOutput.json      EXIT_CODE_FILE exitCode.txt
    CONNECTION_CONFIGURATION_FILE connectionConfiguration.json
    CONNECTOR_CONFIG_FILE connectorConfig.json   CATALOG_FILE catalog.json
    INPUT_STATE_FILE inputState.json   TERMINATION_MARKER_FILE TERMINATED
    STDOUT_PIPE_FILE stdout   STDERR_PIPE_FILE stderr
    TERMINATION_CHECK_INTERVAL_SECONDS 10

The launcher's working directory is /config for spec/check/discover and
/source for read, so TEMP_EXIT_CODE.txt, exitCode.txt, TERMINATED, stdout
and stderr (the two FIFOs made by the init container) are relative to it.
Only the two directories may be changed (`config_dir`, `source_dir`), for
trees where /config or /source cannot be used; everything else is verbatim.
"""
import os
import threading
import time


WRAPPER = """\
# fail loudly if entry point not set
if [ -z "$AIRBYTE_ENTRYPOINT" ]; then
  echo "Entrypoint was not set! AIRBYTE_ENTRYPOINT must be set in the container."
  exit 127
else
  echo "Using AIRBYTE_ENTRYPOINT: $AIRBYTE_ENTRYPOINT"
fi

# run connector in background and store PID
(@COMMAND@) &
CHILD_PID=$!

# run busy loop in background that checks for termination file and if present kills the connector operation and exits
(while true; do if [ -f TERMINATED ]; then kill $CHILD_PID; exit 0; fi; sleep 10; done) &

# wait on connector operation
wait $CHILD_PID
EXIT_CODE=$?

# write its exit code to a file for the sidecar
echo $EXIT_CODE > TEMP_EXIT_CODE.txt
# use a swap file to make creation and writing atomic
mv TEMP_EXIT_CODE.txt exitCode.txt

# propagate connector exit code by assuming it
exit $EXIT_CODE
"""

# connectorOperation(): spec, check, discover.  configArgs is
# connectorArgs.map { "--$k $v" }.joinToString(prefix = " ", separator = " ")
OPERATION = """\
eval "$AIRBYTE_ENTRYPOINT @OP@@ARGS@" > @CONFIG_DIR@/jobOutput.json"""

# source(): read, with --state only when the state file exists.
SOURCE = """\
# only provide the state flag if present
if [ ! -f @SOURCE_DIR@/inputState.json ]; then
  eval "$AIRBYTE_ENTRYPOINT read --config @SOURCE_DIR@/connectorConfig.json --catalog @SOURCE_DIR@/catalog.json" 2> stderr > stdout
else
  eval "$AIRBYTE_ENTRYPOINT read --config @SOURCE_DIR@/connectorConfig.json --catalog @SOURCE_DIR@/catalog.json --state @SOURCE_DIR@/inputState.json" 2> stderr > stdout
fi"""

EXIT_CODE_FILE = "exitCode.txt"
JOB_OUTPUT_FILE = "jobOutput.json"
TERMINATION_MARKER_FILE = "TERMINATED"


def operation_script(op, config=True, config_dir="/config"):
    """The main container's script for spec (config=False), check or
    discover; run it with working directory config_dir."""
    args = " "
    if config:
        args = " --config %s/connectionConfiguration.json" % config_dir
    cmd = (OPERATION.replace("@OP@", op).replace("@ARGS@", args)
           .replace("@CONFIG_DIR@", config_dir))
    return WRAPPER.replace("@COMMAND@", cmd)


def source_script(source_dir="/source"):
    """The source container's script for read; run it with working
    directory source_dir, where stdout and stderr are FIFOs."""
    return WRAPPER.replace("@COMMAND@",
                           SOURCE.replace("@SOURCE_DIR@", source_dir))


def read_fifos(d):
    """Open d/stdout and d/stderr (FIFOs) for reading in threads, like the
    orchestrator; returns a function that joins and returns both."""
    box = {}

    def reader(name):
        with open(os.path.join(d, name), "rb") as f:
            box[name] = f.read()

    ths = [threading.Thread(target=reader, args=(n,), daemon=True)
           for n in ("stdout", "stderr")]
    for th in ths:
        th.start()

    def finish(timeout=10):
        """Call once the wrapper has exited: every writer is gone, so a
        reader still blocked in open() never had one; unblock it."""
        end = time.monotonic() + timeout
        for n, th in zip(("stdout", "stderr"), ths):
            th.join(0.5)
            while th.is_alive() and time.monotonic() < end:
                try:
                    os.close(os.open(os.path.join(d, n),
                                     os.O_WRONLY | os.O_NONBLOCK))
                except OSError:
                    pass
                th.join(0.1)
        return box.get("stdout"), box.get("stderr")
    return finish
