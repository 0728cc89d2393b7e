//! `String(number)` as JavaScript spells it (ECMA-262 Number::toString): the shortest digits that
//! read back as the same double, in plain notation from 1e-6 to 1e21 and exponent notation outside.

pub fn to_js_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n == 0.0 {
        return "0".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let sign = if n < 0.0 { "-" } else { "" };
    // Rust's `{:e}` gives the shortest round-trip digits: `d.ddde±x`.
    let exp_form = format!("{:e}", n.abs());
    let (mantissa, exponent) = exp_form.split_once('e').expect("{:e} has an exponent");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    // The decimal point sits after `n` digits: value = 0.digits × 10^n.
    let n_point = exponent.parse::<i32>().expect("a number") + 1;
    let body = if k <= n_point && n_point <= 21 {
        format!("{digits}{}", "0".repeat((n_point - k) as usize))
    } else if 0 < n_point && n_point <= 21 {
        let (int, frac) = digits.split_at(n_point as usize);
        format!("{int}.{frac}")
    } else if -6 < n_point && n_point <= 0 {
        format!("0.{}{digits}", "0".repeat((-n_point) as usize))
    } else {
        let e = n_point - 1;
        let e_sign = if e >= 0 { "+" } else { "-" };
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        format!("{first}{rest}e{e_sign}{}", e.abs())
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::to_js_string;

    #[test]
    fn numbers_print_as_in_javascript() {
        // Each expectation is what node 20 prints for String(x).
        let cases = [
            (1.0, "1"),
            (-42.0, "-42"),
            (1.5, "1.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (1.5e-10, "1.5e-10"),
            (2f64.powi(53), "9007199254740992"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (-0.0, "0"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
            (4294967295.0, "4294967295"),
        ];
        for (x, want) in cases {
            assert_eq!(to_js_string(x), want, "{x:?}");
        }
    }
}
