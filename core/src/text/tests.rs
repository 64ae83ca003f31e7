use super::*;

/// One character of each UTF-8 width.
const WIDE: [&str; 4] = ["a", "é", "€", "𝄞"];

#[test]
fn every_cut_around_every_width_is_a_boundary_and_the_longest_prefix() {
    for ch in WIDE {
        for before in 0..8 {
            for after in 0..3 {
                // `before` ASCII bytes, the character, `after` ASCII bytes: the character
                // sits across every position relative to every cut below.
                let text = format!("{}{ch}{}", "x".repeat(before), "y".repeat(after));
                for max in 0..=text.len() + 2 {
                    let got = prefix_within(&text, max);
                    assert!(got.len() <= max, "{text:?} cut at {max}: {got:?}");
                    assert!(text.starts_with(got));
                    // Longest: the next character would not have fit.
                    if got.len() < text.len() {
                        let next = text[got.len()..].chars().next().unwrap();
                        assert!(got.len() + next.len_utf8() > max, "{text:?} at {max}");
                    }
                    let mut owned = text.clone();
                    truncate_within(&mut owned, max);
                    assert_eq!(owned, got);
                }
            }
        }
    }
}

#[test]
fn the_known_cuts_of_codex_output_survive_a_character_across_them() {
    // codex's unreadable lines are kept to 2,000 bytes, details to 180 characters.
    for ch in WIDE {
        for offset in 0..4 {
            for cut in [180usize, 2_000] {
                let text = format!("{}{ch}{}", "x".repeat(cut - offset), "z".repeat(10));
                let got = prefix_within(&text, cut);
                assert!(got.len() <= cut && got.len() + 3 >= cut);
                let short = ellipsize_chars(&text, cut);
                assert!(short.chars().count() <= cut);
            }
        }
    }
}

#[test]
fn ellipsize_counts_characters_and_marks_a_cut() {
    assert_eq!(ellipsize_chars("abc", 3), "abc");
    assert_eq!(ellipsize_chars("€€€€", 4), "€€€€");
    assert_eq!(ellipsize_chars("€€€€€", 4), "€...");
    assert_eq!(ellipsize_chars("𝄞𝄞𝄞𝄞𝄞𝄞", 5), "𝄞𝄞...");
    assert_eq!(ellipsize_chars("abcdef", 2), "...");
    assert_eq!(ellipsize_chars("", 0), "");
}
