//! Throughput of generating a signed response, and an encrypted and signed one (one core), and the CLI's cold-start time.
//! Prints numbers; asserts nothing (targets live in README, not in flaky timed tests).
//!
//! Run with `cargo bench --bench signing`.

use std::process::Command;
use std::time::{Duration, Instant};

use mockidp::clock::{Clock, IdSource};
use mockidp::keys::KeyStore;
use mockidp::pipeline::{generate, GenerateOptions};
use mockidp::scenario::ScenarioSet;
use mockidp::scenario::SignParts;

fn per_second(count: u32, elapsed: Duration) -> f64 {
    f64::from(count) / elapsed.as_secs_f64()
}

fn main() {
    let set = ScenarioSet::load(None).expect("built-in scenarios load");
    let scenario = set.get("valid").expect("the valid scenario exists");
    let mut keys = KeyStore::new(None);
    let clock = Clock::system();
    let mut ids = IdSource::seeded(1);

    // The floor: one bare RSA-2048 PKCS#1 v1.5 signature.
    let key = keys.load("default").expect("default key set").private_key.clone();
    let digest = [7u8; 32];
    let rounds = 300;
    let start = Instant::now();
    for _ in 0..rounds {
        key.sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &digest).expect("sign");
    }
    let floor = per_second(rounds, start.elapsed());
    println!("rsa-2048 signatures:              {floor:8.1} /s (one core)");

    for (label, parts, signatures) in [
        ("responses, nothing signed:       ", SignParts::None, 0.0),
        ("responses, assertion signed:     ", SignParts::Assertion, 1.0),
        ("responses, response signed:      ", SignParts::Response, 1.0),
        ("responses, both signed:          ", SignParts::Both, 2.0),
    ] {
        let options = GenerateOptions { sign_parts: Some(parts), ..GenerateOptions::default() };
        let start = Instant::now();
        for _ in 0..rounds {
            generate(scenario, &options, &mut keys, &clock, &mut ids).expect("generate");
        }
        let rate = per_second(rounds, start.elapsed());
        if signatures == 0.0 {
            println!("{label}{rate:8.1} /s (one core; the non-RSA work alone)");
        } else {
            println!(
                "{label}{rate:8.1} /s (one core; {:.0}% of the RSA floor for {signatures} signature(s))",
                100.0 * rate * signatures / floor
            );
        }
    }

    // Encrypted and signed (assertion signed, encrypted AES-256-GCM + RSA-OAEP, Response signed)
    // next to signed only: the target is at most 1.5x the cost (RSA-OAEP with a public key is
    // cheap next to two private-key signatures).
    let sp_encryption_cert = keys.load("sp-encryption").expect("sp-encryption key set").certificate_base64.clone();
    let mut rates = Vec::new();
    for (label, encrypt) in [("responses, both signed:          ", false), ("responses, encrypted + signed:   ", true)]
    {
        let options = GenerateOptions {
            sp_encryption_cert: Some(sp_encryption_cert.clone()),
            encrypt,
            ..GenerateOptions::default()
        };
        let start = Instant::now();
        for _ in 0..rounds {
            generate(scenario, &options, &mut keys, &clock, &mut ids).expect("generate");
        }
        rates.push(per_second(rounds, start.elapsed()));
        println!("{label}{:8.1} /s (one core)", rates[rates.len() - 1]);
    }
    println!("encryption cost:                  {:8.2}x signed-only (target <= 1.5x)", rates[0] / rates[1]);

    let binary = env!("CARGO_BIN_EXE_mockidp");
    let runs = 50;
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let output =
            Command::new(binary).args(["scenario", "valid", "--format", "base64"]).output().expect("run mockidp");
        samples.push(start.elapsed());
        assert!(output.status.success());
    }
    samples.sort();
    let median = samples[runs / 2];
    let p90 = samples[runs * 9 / 10];
    println!(
        "cold `mockidp scenario valid`:    median {:.2} ms, p90 {:.2} ms ({runs} runs, process spawn included)",
        median.as_secs_f64() * 1e3,
        p90.as_secs_f64() * 1e3
    );
}
