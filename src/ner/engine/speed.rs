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
