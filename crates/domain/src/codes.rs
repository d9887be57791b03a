//! National codes: the investment project code (投资项目统一代码) and the unified social
//! credit code (统一社会信用代码, GB 32100-2015).

/// Normalises a project code as users paste it: full-width digits and hyphens, dashes of
/// every kind, and spaces. Returns the canonical `YYYY-RRRRRR-II-TT-NNNNNN` text or `None`.
pub fn normalise_project_code(input: &str) -> Option<String> {
    let mut out = String::with_capacity(24);
    for c in input.chars() {
        match c {
            '0'..='9' => out.push(c),
            '０'..='９' => out.push(char::from_u32(c as u32 - '０' as u32 + '0' as u32)?),
            '-' | '－' | '—' | '–' | '‐' | '‑' | '﹣' => out.push('-'),
            c if c.is_whitespace() || c == '\u{3000}' => {}
            _ => return None,
        }
    }
    let parts: Vec<&str> = out.split('-').collect();
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    if lens == [4, 6, 2, 2, 6] {
        Some(out)
    } else {
        None
    }
}

/// The check character (GB 32100-2015) that completes the first 17 characters of a unified
/// social credit code; `None` when they use characters outside the code's alphabet.
pub fn credit_code_check_char(first17: &str) -> Option<char> {
    const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += ALPHABET.find(c)? as u32 * w;
    }
    ALPHABET.chars().nth(((31 - sum % 31) % 31) as usize)
}

/// Checks a unified social credit code (18 characters, GB 32100-2015) including its check
/// character. Lower-case letters are accepted and upper-cased.
pub fn normalise_credit_code(input: &str) -> Option<String> {
    const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let code: String = input
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if code.chars().count() != 18 {
        return None;
    }
    let values: Vec<u32> = code
        .chars()
        .map(|c| ALPHABET.find(c).map(|i| i as u32))
        .collect::<Option<Vec<_>>>()?;
    let sum: u32 = values[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    if values[17] == check {
        Some(code)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_codes() {
        assert_eq!(
            normalise_project_code("2509-320193-89-01-544060").as_deref(),
            Some("2509-320193-89-01-544060")
        );
        assert_eq!(
            normalise_project_code(" ２０１９－370303－26－03－012345 ").as_deref(),
            Some("2019-370303-26-03-012345")
        );
        assert_eq!(normalise_project_code("2019-370303-26-03-01234"), None);
        assert_eq!(normalise_project_code("2019-370303-26-03-01234X"), None);
        assert_eq!(normalise_project_code(""), None);
    }

    #[test]
    fn credit_codes() {
        // Published example codes with valid check characters.
        assert!(normalise_credit_code("91350100M000100Y43").is_some());
        assert!(normalise_credit_code("91110000802100433B").is_some());
        assert!(normalise_credit_code("91110000802100433C").is_none());
        assert!(normalise_credit_code("9111000080210043").is_none());
        assert!(normalise_credit_code("91110000802100433I").is_none());
        assert_eq!(credit_code_check_char("91110000802100433"), Some('B'));
    }
}
