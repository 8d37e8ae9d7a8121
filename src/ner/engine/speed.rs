use super::*;

/// Not a test: prints the kernel's rate (`cargo test --release kernel_rate -- --ignored
/// --nocapture`).
#[test]
#[ignore]
fn kernel_rate() {
    let (m, n, k) = (126, 1536, 384);
    let w: Vec<f32> = (0..n * k)
        .map(|i| ((i * 7919) % 255) as f32 / 255.0 - 0.5)
        .collect();
    let x: Vec<f32> = (0..m * k)
        .map(|i| ((i * 104729) % 251) as f32 / 251.0 - 0.5)
        .collect();
    let q = QLinear::new(&w, &vec![0.0; n], n, k).unwrap();
    let (mut qa, mut sa) = (Vec::new(), Vec::new());
    let mut y = vec![0f32; m * n];
    let reps = 200;
    let t0 = std::time::Instant::now();
    for _ in 0..reps {
        q.forward::<true>(&x, m, &mut y, &mut qa, &mut sa);
    }
    let s = t0.elapsed().as_secs_f64();
    let mac = (m * n * k * reps) as f64;
    eprintln!("int16 madd: {:.1} GMAC/s on one thread", mac / s / 1e9);
    let b: Vec<f32> = (0..k * n).map(|i| (i % 13) as f32).collect();
    let t0 = std::time::Instant::now();
    for _ in 0..reps {
        fgemm::<true>(&x, k, m, k, &b, n, n, &mut y, n);
    }
    let s = t0.elapsed().as_secs_f64();
    eprintln!("f32 fma: {:.1} GMAC/s on one thread", mac / s / 1e9);
}

/// Not a test: the softmax's rate over 254-wide rows, and the exponential's alone (`cargo test
/// --release softmax_rate -- --ignored --nocapture`).
#[test]
#[ignore]
fn softmax_rate() {
    // SAFETY: AVX2 and FMA are checked first.
    assert!(simd_available());
    unsafe { softmax_rate_avx2() }
}

#[target_feature(enable = "avx2,fma")]
unsafe fn softmax_rate_avx2() {
    let t = 254;
    let mut p: Vec<f32> = (0..t * t)
        .map(|i| ((i * 7919) % 255) as f32 / 25.0 - 5.0)
        .collect();
    let reps = 200;
    let t0 = std::time::Instant::now();
    for _ in 0..reps {
        for row in p.chunks_exact_mut(t) {
            softmax(row);
        }
        p[0] += 1.0;
    }
    let s = t0.elapsed().as_secs_f64();
    eprintln!(
        "softmax: {:.2} ns an element",
        s / (reps * t * t) as f64 * 1e9
    );
    let t0 = std::time::Instant::now();
    let mut acc = 0.0f32;
    for _ in 0..reps {
        for v in p.iter_mut() {
            *v = exp(*v - 3.0);
        }
        acc += p[7];
    }
    let s = t0.elapsed().as_secs_f64();
    eprintln!(
        "exp alone: {:.2} ns an element {acc}",
        s / (reps * t * t) as f64 * 1e9
    );
}
