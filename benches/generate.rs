//! `kubeforge generate` on synthetic projects of 1, 10, 100 and 500 kinds: median wall and CPU
//! time and peak memory, and beside it, on the 10-kind project, the compile-based path (edit a
//! field, warm `cargo build` of crdgen, run it).
//!
//! Run with `cargo bench --bench generate` (add `-- --quick` to skip the compile-based path).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const KUBEFORGE: &str = env!("CARGO_BIN_EXE_kubeforge");
const RUNS: usize = 11;

/// What one run of a program took.
struct Usage {
    wall: Duration,
    /// User and system CPU time: less sensitive than wall time to other work on the machine.
    cpu: Duration,
    /// Peak resident set size, KiB.
    peak_kib: u64,
}

fn timeval(t: libc::timeval) -> Duration {
    Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
}

/// Runs a program to completion. The child is reaped by `wait4`, which also reports its
/// resource usage.
#[allow(clippy::zombie_processes)]
fn run(dir: &Path, program: &str, args: &[&str]) -> Usage {
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child and fills a zeroed rusage.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    assert_eq!(waited, pid, "wait4");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{program} {args:?} failed in {}",
        dir.display()
    );
    Usage {
        wall: elapsed,
        cpu: timeval(usage.ru_utime) + timeval(usage.ru_stime),
        peak_kib: usage.ru_maxrss as u64, // KiB on Linux
    }
}

fn kubeforge(dir: &Path, args: &[&str]) {
    run(dir, KUBEFORGE, args);
}

/// A project with `kinds` kinds in one group: one scaffolded kind, copied with new names.
fn synthetic(parent: &Path, kinds: usize) -> PathBuf {
    let dir = parent.join(format!("bench{kinds}"));
    std::fs::create_dir_all(&dir).unwrap();
    kubeforge(
        &dir,
        &["init", "--domain", "example.com", "--license", "none"],
    );
    kubeforge(
        &dir,
        &[
            "create",
            "api",
            "--group",
            "bench",
            "--version",
            "v1",
            "--kind",
            "Kind0",
            "--controller=false",
        ],
    );
    let template = std::fs::read_to_string(dir.join("src/api/v1/kind0.rs")).unwrap();
    let mod_rs = dir.join("src/api/v1/mod.rs");
    let mut mods = std::fs::read_to_string(&mod_rs).unwrap();
    let mut crdgen = std::fs::read_to_string(dir.join("src/bin/crdgen.rs")).unwrap();
    for i in 1..kinds {
        let kind = format!("Kind{i}");
        let module = format!("kind{i}");
        std::fs::write(
            dir.join(format!("src/api/v1/{module}.rs")),
            template.replace("Kind0", &kind).replace("kind0", &module),
        )
        .unwrap();
        mods = mods.replace(
            "// +kubeforge:scaffold:kinds",
            &format!("mod {module};\npub use {module}::*;\n\n// +kubeforge:scaffold:kinds"),
        );
        crdgen = crdgen.replace(
            "        // +kubeforge:scaffold:crds",
            &format!(
                "        bench{kinds}::api::v1::{kind}::crd(),\n        // +kubeforge:scaffold:crds"
            ),
        );
    }
    std::fs::write(&mod_rs, mods).unwrap();
    std::fs::write(dir.join("src/bin/crdgen.rs"), crdgen).unwrap();
    kubeforge(&dir, &["generate"]);
    dir
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let tmp = tempfile::tempdir().unwrap();
    println!("| kinds | generate median | CPU median | peak RSS |");
    println!("|---:|---:|---:|---:|");
    let mut ten = None;
    for kinds in [1, 10, 100, 500] {
        let dir = synthetic(tmp.path(), kinds);
        let mut times = Vec::new();
        let mut cpu = Vec::new();
        let mut peak = 0;
        for _ in 0..RUNS {
            let u = run(&dir, KUBEFORGE, &["generate"]);
            times.push(u.wall);
            cpu.push(u.cpu);
            peak = peak.max(u.peak_kib);
        }
        let m = median(times);
        println!(
            "| {kinds} | {} | {} | {:.1} MiB |",
            ms(m),
            ms(median(cpu)),
            peak as f64 / 1024.0
        );
        if kinds == 10 {
            ten = Some((dir, m));
        }
    }
    if quick {
        return;
    }
    let (dir, generate) = ten.unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "{}\n[workspace]\n",
            std::fs::read_to_string(dir.join("Cargo.toml")).unwrap()
        ),
    )
    .unwrap();
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-crdgen");
    let build = [
        "build",
        "--quiet",
        "--bin",
        "crdgen",
        "--target-dir",
        target.to_str().unwrap(),
    ];
    let cold = run(&dir, &cargo, &build).wall;
    let mut times = Vec::new();
    for i in 0..5 {
        let types = dir.join("src/api/v1/kind3.rs");
        let text = std::fs::read_to_string(&types).unwrap();
        std::fs::write(
            &types,
            text.replace(
                "pub struct Kind3Spec {",
                &format!("pub struct Kind3Spec {{\n    pub extra{i}: Option<i32>,"),
            ),
        )
        .unwrap();
        let b = run(&dir, &cargo, &build).wall;
        let r = run(&dir, target.join("debug/crdgen").to_str().unwrap(), &[]).wall;
        times.push(b + r);
    }
    let compiled = median(times);
    println!();
    println!(
        "10 kinds, compile-based path: cold build {:.1} s; edit a field + warm build of crdgen + run: median {}",
        cold.as_secs_f64(),
        ms(compiled)
    );
    println!(
        "10 kinds, kubeforge generate: median {}; ratio {:.0}x",
        ms(generate),
        compiled.as_secs_f64() / generate.as_secs_f64()
    );
}
