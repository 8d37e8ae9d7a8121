use super::*;

fn lcg(seed: &mut u64) -> f32 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    ((*seed >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
}

#[test]
fn exp_and_erf_are_accurate() {
    let mut x = -20.0f32;
    while x < 20.0 {
        let e = exp(x) as f64;
        let r = (x as f64).exp();
        assert!(((e - r) / r).abs() < 1e-6, "exp({x}) = {e}, want {r}");
        x += 0.0137;
    }
    // The whole unclamped range: the exponent is built from the rounding constant's bits.
    let mut x = -87.0f32;
    while x <= 88.0 {
        let e = exp(x) as f64;
        let r = (x as f64).exp();
        assert!(((e - r) / r).abs() < 1e-6, "exp({x}) = {e}, want {r}");
        x += 0.173;
    }
    for &(x, want) in &[
        (0.0f32, 0.0f64),
        (0.5, 0.520_499_877_8),
        (1.0, 0.842_700_792_9),
        (-1.5, -0.966_105_146_5),
        (3.0, 0.999_977_909_5),
    ] {
        // The formula's own bound (1.5e-7) plus f32 rounding of its few operations.
        assert!((erf(x) as f64 - want).abs() < 5e-7, "erf({x}) = {}", erf(x));
    }
}

/// The quantized product is close to the f32 one, and the AVX2 and portable kernels give the
/// same sums bit for bit.
#[test]
fn quantized_linear_matches_f32_and_kernels_agree() {
    let mut seed = 7;
    for &(m, n, k) in &[(1, 16, 2), (7, 33, 51), (13, 48, 384), (6, 9, 1536)] {
        let w: Vec<f32> = (0..n * k).map(|_| lcg(&mut seed) * 0.1).collect();
        let b: Vec<f32> = (0..n).map(|_| lcg(&mut seed)).collect();
        let x: Vec<f32> = (0..m * k).map(|_| lcg(&mut seed) * 3.0).collect();
        let q = QLinear::new(&w, &b, n, k).unwrap();
        let (mut qa, mut sa) = (Vec::new(), Vec::new());
        let mut y0 = vec![0f32; m * n];
        q.forward::<false>(&x, m, &mut y0, &mut qa, &mut sa);
        if simd_available() {
            let mut y1 = vec![0f32; m * n];
            q.forward::<true>(&x, m, &mut y1, &mut qa, &mut sa);
            assert_eq!(y0, y1, "{m}×{n}×{k}: kernels differ");
        }
        for r in 0..m {
            for c in 0..n {
                let exact: f32 = (0..k).map(|i| x[r * k + i] * w[c * k + i]).sum::<f32>() + b[c];
                let scale: f32 = (0..k).map(|i| (x[r * k + i] * w[c * k + i]).abs()).sum();
                let err = (y0[r * n + c] - exact).abs();
                assert!(
                    err <= 0.01 * scale + 1e-5,
                    "{m}×{n}×{k} [{r},{c}]: {err} of {scale}"
                );
            }
        }
    }
}

#[test]
fn activation_levels_cannot_overflow() {
    for k in [2, 384, 1536, 2064, 4096, 100_000] {
        let a = act_max(k) as i64;
        assert!((1..=8191).contains(&a));
        assert!(k as i64 * W_MAX as i64 * a <= i32::MAX as i64, "k={k}");
    }
    // The shipped widths keep at least 12 bits of activation precision.
    assert!(act_max(1536) >= 2047 && act_max(384) == 8191);
}

#[test]
fn bad_weights_are_refused() {
    assert!(QLinear::new(&[1.0, f32::NAN], &[0.0], 1, 2).is_err());
    assert!(QLinear::new(&[1.0], &[0.0], 1, 2).is_err());
}
