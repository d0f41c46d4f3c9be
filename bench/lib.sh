# bench/lib.sh: what the bench scripts share (sourced): temp dir and cleanup, free ports, starting registries,
# wrk runs recorded as result lines, fills, and the median/ratio helpers of the reports. The sourcing script sets
# repo, here, jar, registry_jvm, registry_props and load_threads first.

work="$(mktemp -d "${TMPDIR:-/tmp}/sirsi-bench.XXXXXX")"
results="$work/results.txt"             # one line per measured wrk run: label round key=value...
commands="$work/commands.txt"           # every distinct command, as run, for the report
pids=()
fill_threads=${fill_threads:-4}        # connections that fill a registry (one per wrk thread)

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# Kill everything this script started (registries, etcd, a wrk still filling), then remove the temp dir.
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Records a command for the report once, with what changes from run to run (ports, temp paths) as names.
note_command() {
    local line
    line=$(sed -E "s#127\.0\.0\.1:[0-9]+#127.0.0.1:PORT#g; s#$work/#WORK/#g; s#(password=)[^ ]*#\1PASSWORD#g" <<<"$*")
    grep -qxF -- "$line" "$commands" 2>/dev/null || printf '%s\n' "$line" >>"$commands"
}

# ref_jar REF: prints the quarkus-run.jar of that commit's build, building it first in a temporary worktree
# (removed after) unless an earlier run kept it; the build goes to the cache, keyed by the full commit.
ref_jar() {
    local commit cache tree app
    commit=$(git -C "$repo" rev-parse --verify "$1^{commit}") || die "no commit $1 in $repo"
    cache="${XDG_CACHE_HOME:-$HOME/.cache}/sirsi-nexus/bench-jars/$commit"
    if [[ ! -f $cache/quarkus-run.jar ]]; then
        tree="$work/tree-$commit"
        log "building $1 ($commit) in a temporary worktree"
        git -C "$repo" worktree add --quiet --detach "$tree" "$commit" >&2
        if ! (cd "$tree" && mvn -B -q package -DskipTests >&2); then
            git -C "$repo" worktree remove --force "$tree"
            die "the build of $1 failed"
        fi
        mkdir -p "$(dirname "$cache")"
        # a commit before the multi-module layout built the server at the root, a later one in server/
        app="$tree/target/quarkus-app"
        [[ -d $tree/server ]] && app="$tree/server/target/quarkus-app"
        rm -rf "$cache.tmp" && cp -r "$app" "$cache.tmp" && mv "$cache.tmp" "$cache"
        git -C "$repo" worktree remove --force "$tree"
    fi
    echo "$cache/quarkus-run.jar"
}

# --- processes ---------------------------------------------------------------------------------------------
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# A port nothing listens on now. Other people's services run on this machine: never assume a fixed port. Nor any
# socket holds: the range overlaps the ephemeral ports, and a client's TIME-WAIT on one (thousands after a wrk run)
# makes the registry's bind fail ("Port already bound").
free_port() {
    local port
    for _ in $(seq 100); do
        port=$((40000 + RANDOM % 20000))
        if [[ -z $(ss -Htan "( sport = :$port )" 2>/dev/null) ]] \
            && ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    die "found no free port"
}

declare -A reg_port reg_pid reg_ready_ms
# start_registry NAME [PROPERTY...]: a registry on a free port with the run's settings, plus these.
start_registry() {
    local name=$1 dir="$work/$1" port started pid
    shift
    port=$(free_port)
    mkdir -p "$dir"
    started=$(now_ms)
    # the DNS interface on a free port: several registries of one run would all want 8600 (a later -D wins)
    java "${registry_jvm[@]}" -Dquarkus.http.port="$port" -Dsirsi.ports.data-dir="$dir/data" -Dsirsi.dns.port=0 \
        "${registry_props[@]}" "$@" -jar "$jar" start >"$dir/registry.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    note_command java "${registry_jvm[@]}" -Dquarkus.http.port=PORT -Dsirsi.ports.data-dir=FRESH_DIR \
        "${registry_props[@]}" "$@" -jar server/target/quarkus-app/quarkus-run.jar start
    # Ready = our process logged that it listens and its readiness check (store included) answers 200; the log
    # line makes sure the 200 did not come from someone else's process on the port.
    until grep -q "Listening on" "$dir/registry.log" \
        && curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready"; do
        kill -0 "$pid" 2>/dev/null || die "registry $name exited while starting: $(tail -5 "$dir/registry.log")"
        (($(now_ms) - started < 60000)) || die "registry $name not ready after 60 s"
        sleep 0.02
    done
    reg_ready_ms[$name]=$(($(now_ms) - started))
    reg_port[$name]=$port
    reg_pid[$name]=$pid
    log "registry $name ready on port $port in ${reg_ready_ms[$name]} ms"
}

# Stops a process this script started and forgets it, so cleanup never signals a recycled pid.
stop_process() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    forget_pid "$1"
}
forget_pid() {
    local kept=() pid
    for pid in "${pids[@]}"; do [[ $pid == "$1" ]] || kept+=("$pid"); done
    pids=("${kept[@]}")
}

rss_mib() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
# cpu_ticks PID: the process's CPU time so far, utime + stime, in clock ticks (clock_ticks a second); fails when the
# process is gone
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
clock_ticks=$(getconf CLK_TCK)

# --- warm-up -----------------------------------------------------------------------------------------------
# A JVM measured while its JIT compiler is still at work measures the compiler. With three registries and
# PostgreSQL sharing two cores, a replica 5 s into its load spent 1,350 µs of CPU per registration, 820 of them in
# the C2 compiler thread; 40 s in, 200 µs (docs/benchmarks.md). A fixed warm-up long enough for one JVM alone is far
# too short for four, so each warm-up goes on until the JIT has settled.

declare -A jit_seen_all=() jit_seen_compiler=()
# jit_busy PID...: whether the JIT compiler threads of any of these JVMs took more than 5 % of its CPU since the
# previous call for it (the first call: since it started).
jit_busy() {
    local pid task ticks name all compiler busy=1
    for pid in "$@"; do
        all=0 compiler=0
        for task in /proc/"$pid"/task/*; do
            # utime + stime; the thread's name, in field 2, may hold spaces ("C2 CompilerThre")
            ticks=$(sed 's/.*) //' "$task/stat" 2>/dev/null | awk '{ print $12 + $13 }')
            [[ -n $ticks ]] || continue # the thread ended
            all=$((all + ticks))
            read -r name <"$task/comm" 2>/dev/null || continue
            [[ $name != C[12]\ Compiler* ]] || compiler=$((compiler + ticks))
        done
        local spent=$((all - ${jit_seen_all[$pid]:-0})) compiling=$((compiler - ${jit_seen_compiler[$pid]:-0}))
        jit_seen_all[$pid]=$all jit_seen_compiler[$pid]=$compiler
        ((spent <= 0 || compiling * 20 <= spent)) || busy=0
    done
    return $busy
}

# warm_up SECONDS PID... -- COMMAND...: runs COMMAND (a warm-up round of SECONDS), then again while the JIT of
# any of the PIDs is still busy, for at most 120 s more.
warm_up() {
    local secs=$1 pids_to_watch=() extra=0
    shift
    while [[ $1 != -- ]]; do pids_to_watch+=("$1"); shift; done
    shift
    jit_busy "${pids_to_watch[@]}" || true # from here on
    "$@"
    while ((extra < 120)) && jit_busy "${pids_to_watch[@]}"; do
        log "the JIT is still compiling: warming up ${secs} s more"
        "$@"
        extra=$((extra + secs))
    done
}

# --- load --------------------------------------------------------------------------------------------------
# measure LABEL ROUND CONNECTIONS THREADS SECONDS SCRIPT URL [VAR=VALUE...]: one wrk run; ROUND "warmup" is
# run but not recorded.
measure() {
    local label=$1 round=$2 connections=$3 threads=$4 secs=$5 script=$6 url=$7 output line
    shift 7
    local cmd=(wrk -t"$threads" -c"$connections" -d"${secs}s" --timeout 10s -s "bench/$script" "$url")
    note_command "$@" "${cmd[@]:0:3}" -dSECONDSs "${cmd[@]:4}"
    output=$(cd "$repo" && env BENCH_DIR="$here" BENCH_RUN="$label-$round-$RANDOM" "$@" "${cmd[@]}" 2>&1) \
        || die "wrk failed: $output"
    line=$(grep '^BENCH ' <<<"$output") || die "no summary line from wrk: $output"
    [[ $line == *" errors=0"* ]] || log "WARNING: $label round $round had errors: $line"
    if [[ $round != warmup ]]; then
        echo "$label $round ${line#BENCH }" >>"$results"
    fi
    log "$label ${round}: ${line#BENCH }"
}

# fill SCRIPT URL COUNT_COMMAND TARGET [VAR=VALUE...]: runs a fill script until COUNT_COMMAND prints TARGET.
# wrk has no "stop after N requests", so the script's threads stop themselves and we end wrk when the count is
# reached.
fill() {
    local script=$1 url=$2 count_command=$3 target=$4 pid count started
    shift 4
    started=$(now_ms)
    (cd "$repo" && exec env BENCH_DIR="$here" BENCH_THREADS="$fill_threads" "$@" \
        wrk -t"$fill_threads" -c"$fill_threads" -d600s --timeout 10s -s "bench/$script" "$url" >/dev/null 2>&1) &
    pid=$!
    pids+=("$pid")
    note_command BENCH_THREADS="$fill_threads" "$@" wrk -t"$fill_threads" -c"$fill_threads" -d600s -s "bench/$script" "$url" "  # stopped when the count is reached"
    while :; do
        count=$($count_command) || die "cannot count what $script filled"
        ((count < target)) || break
        kill -0 "$pid" 2>/dev/null || die "fill with $script ended at $count of $target"
        (($(now_ms) - started < 300000)) || die "fill with $script stuck at $count of $target"
        sleep 0.2
    done
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    forget_pid "$pid"
    log "filled $target with $script in $(($(now_ms) - started)) ms"
}

registry_count() { curl -sf "http://127.0.0.1:${reg_port[$1]}/ports/stats" | jq .total_allocations; }

# values LABEL FIELD: the field's values over the measured rounds, sorted.
values() {
    awk -v label="$1" -v field="$2" '$1 == label {
        for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == field) print kv[2] } }' "$results" | sort -g
}
# median_min_max: reads numbers, one a line, sorted; prints "median min max".
median_min_max() {
    awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "nan nan nan"; exit }
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        print m, v[1], v[NR] }'
}
# cell LABEL FIELD FORMAT: "median (min–max)".
cell() {
    values "$1" "$2" | median_min_max | awk -v f="$3" '{ printf f " (" f "–" f ")", $1, $2, $3 }'
}
median() { values "$1" "$2" | median_min_max | awk '{ print $1 }'; }
# ratios LABEL_A FIELD_A LABEL_B FIELD_B: A/B within each round, sorted (same round = nearest in time).
ratios() {
    awk -v la="$1" -v fa="$2" -v lb="$3" -v fb="$4" '
        { for (i = 3; i <= NF; i++) { split($i, kv, "="); if ($1 == la && kv[1] == fa) a[$2] = kv[2]
                                                         if ($1 == lb && kv[1] == fb) b[$2] = kv[2] } }
        END { for (r in a) if ((r in b) && b[r] > 0) print a[r] / b[r] }' "$results" | sort -g
}
ratio_cell() { ratios "$@" | median_min_max | awk '{ printf "%.2f× (%.2f–%.2f)", $1, $2, $3 }'; }
# verdict LABEL_A FIELD_A LABEL_B FIELD_B at-least|at-most GOAL
verdict() {
    local median_ratio
    median_ratio=$(ratios "$1" "$2" "$3" "$4" | median_min_max | awk '{ print $1 }')
    awk -v r="$median_ratio" -v how="$5" -v goal="$6" 'BEGIN {
        ok = how == "at-least" ? r >= goal : r <= goal
        print (r == "nan" ? "not measured" : ok ? "**met**" : "**missed**") }'
}
# writer_meters URL: the store writer's counters now (its /q/metrics): events committed, commits, seconds in them,
# seconds busy. writer_record LABEL ROUND SECONDS BEFORE AFTER: a result line of what happened between two of them:
# events per commit, mean commit ms, and the writer's utilisation over the round.
writer_meters() {
    curl -sf "$1/q/metrics" | awk '
        $1 == "sirsi_store_commit_events_sum" { e = $2 } $1 == "sirsi_store_commit_seconds_count" { c = $2 }
        $1 == "sirsi_store_commit_seconds_sum" { s = $2 } $1 == "sirsi_store_writer_busy_seconds_total" { b = $2 }
        END { print e + 0, c + 0, s + 0, b + 0 }'
}
writer_record() {
    local label=$1 round=$2 secs=$3 before after
    read -ra before <<<"$4"
    read -ra after <<<"$5"
    awk -v l="$label" -v r="$round" -v t="$secs" -v e0="${before[0]}" -v c0="${before[1]}" -v s0="${before[2]}" \
        -v b0="${before[3]}" -v e1="${after[0]}" -v c1="${after[1]}" -v s1="${after[2]}" -v b1="${after[3]}" \
        'BEGIN { c = c1 - c0; if (c <= 0) exit
                 printf "%s %s events_per_commit=%.2f commit_ms=%.3f writer_busy=%.3f\n", l, r, (e1 - e0) / c,
                     1000 * (s1 - s0) / c, (b1 - b0) / t }' >>"$results"
}
# thread_id PID NAME: the id of the process's thread of that name (the kernel keeps its first 15 characters).
# Prints nothing when there is none; a thread that exits meanwhile (the JIT's come and go) is no failure.
thread_id() { { grep -lxF -- "${2:0:15}" /proc/"$1"/task/*/comm 2>/dev/null || true; } | head -1 | cut -d/ -f5; }
# thread_sched PID TID: the thread's time on a core and its time runnable but waiting for one, in ns so far.
thread_sched() { cut -d' ' -f1,2 "/proc/$1/task/$2/schedstat"; }
ops() { cell "$1" ops_per_sec "%.0f"; }
lat() { printf '%s / %s' "$(median "$1" p50_ms | awk '{ printf "%.2f", $1 }')" \
    "$(median "$1" p99_ms | awk '{ printf "%.2f", $1 }')"; }
# errors LABEL...: the errors of these workloads over the measured rounds, summed.
errors() { for label; do values "$label" errors; done | awk '{ s += $1 } END { print s + 0 }'; }

