//! LZ-string's base64 decompression (`LZString.decompressFromBase64`), bounded:
//! the `lz-str` crate has no limit on its output, and LZ-string output can grow
//! quadratically with its input, so a small body could allocate gigabytes.
//!
//! Every dictionary entry is a run of the output already written (the last
//! chunk plus the first unit of the next), so entries are kept as ranges into
//! the output and memory stays proportional to it.

const BASE64_KEY: &[u8; 65] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

#[derive(Debug, PartialEq, Eq)]
pub enum LzError {
    /// More than the limit of UTF-16 units would come out.
    TooLarge,
    Malformed,
}

/// Six bits per base64 character, least significant first within each code,
/// as LZ-string writes them. Characters outside the alphabet are skipped, as
/// the `lz-str` crate does.
struct Bits<'a> {
    input: std::slice::Iter<'a, u8>,
    value: u8,
    position: u8,
}

impl Bits<'_> {
    fn next_value(input: &mut std::slice::Iter<'_, u8>) -> Option<u8> {
        input.find_map(|c| BASE64_KEY.iter().position(|k| k == c).map(|n| n as u8))
    }

    fn read(&mut self, count: u32) -> Result<u32, LzError> {
        let mut bits = 0;
        for power in 0..count {
            if self.value & self.position != 0 {
                bits |= 1 << power;
            }
            self.position >>= 1;
            if self.position == 0 {
                self.position = 32;
                self.value = Self::next_value(&mut self.input).ok_or(LzError::Malformed)?;
            }
        }
        Ok(bits)
    }
}

/// Decompresses `input`, stopping with [`LzError::TooLarge`] as soon as the
/// output would exceed `limit` UTF-16 units.
pub fn decompress_from_base64(input: &str, limit: usize) -> Result<Vec<u16>, LzError> {
    let mut input = input.as_bytes().iter();
    let Some(value) = Bits::next_value(&mut input) else {
        return Ok(Vec::new());
    };
    let mut bits = Bits {
        input,
        value,
        position: 32,
    };
    let mut out: Vec<u16> = Vec::new();
    let literal = |bits: &mut Bits, code: u32| bits.read(if code == 0 { 8 } else { 16 });
    let first = match bits.read(2)? {
        code @ (0 | 1) => literal(&mut bits, code)?,
        2 => return Ok(out),
        _ => return Err(LzError::Malformed),
    };
    if limit == 0 {
        return Err(LzError::TooLarge);
    }
    out.push(first as u16);
    // (start, length) in `out`; codes 0 to 2 are the three control codes.
    let mut dictionary: Vec<(usize, usize)> = vec![(0, 0); 3];
    dictionary.push((0, 1));
    let mut w = (0, 1);
    let mut num_bits = 3;
    let mut enlarge_in: u64 = 4;
    loop {
        let mut code = bits.read(num_bits)? as usize;
        let start = out.len();
        let mut written = false;
        match code {
            0 | 1 => {
                let unit = literal(&mut bits, code as u32)? as u16;
                if out.len() >= limit {
                    return Err(LzError::TooLarge);
                }
                out.push(unit);
                dictionary.push((start, 1));
                code = dictionary.len() - 1;
                written = true;
                enlarge_in -= 1;
            }
            2 => return Ok(out),
            _ => {}
        }
        if enlarge_in == 0 {
            enlarge_in = 1 << num_bits;
            num_bits += 1;
        }
        let entry = if written {
            (start, 1)
        } else {
            let (from, length) = match dictionary.get(code) {
                Some(&range) => range,
                // The entry being defined right now: the last chunk plus its first unit.
                None if code == dictionary.len() => (w.0, w.1 + 1),
                None => return Err(LzError::Malformed),
            };
            if out.len() + length > limit {
                return Err(LzError::TooLarge);
            }
            if code == dictionary.len() {
                out.extend_from_within(w.0..w.0 + w.1);
                out.push(out[w.0]);
            } else {
                out.extend_from_within(from..from + length);
            }
            (start, length)
        };
        // The previous chunk and this one's first unit are adjacent in `out`.
        dictionary.push((w.0, w.1 + 1));
        enlarge_in -= 1;
        w = entry;
        if enlarge_in == 0 {
            enlarge_in = 1 << num_bits;
            num_bits += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) {
        let compressed = lz_str::compress_to_base64(text);
        let words = decompress_from_base64(&compressed, usize::MAX).unwrap();
        assert_eq!(String::from_utf16(&words).unwrap(), text);
    }

    #[test]
    fn decompresses_what_lz_string_compresses() {
        round_trip("");
        round_trip("a");
        round_trip("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        round_trip(r#"{"api_key":"phc_test","batch":[{"event":"signed up","distinct_id":"u1"}]}"#);
        round_trip("unicode: żółć 日本語 emoji 🎉🎉 and back to ascii");
        let long: String = (0..5000)
            .map(|i| format!("event {i} {}, ", i % 7))
            .collect();
        round_trip(&long);
    }

    #[test]
    fn agrees_with_the_lz_str_crate_on_random_text() {
        let mut seed: u32 = 7;
        for length in [1, 2, 10, 100, 1000, 10_000] {
            let text: String = (0..length)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    ['a', 'b', 'é', '中', '🙂', '"', ' '][(seed >> 16) as usize % 7]
                })
                .collect();
            round_trip(&text);
        }
    }

    #[test]
    fn refuses_garbage_without_panicking() {
        for input in ["", "=", "////", "AAAA", "zzzzzzzzzzzzzzzzzzzz", "N4Ig"] {
            let ours = decompress_from_base64(input, 1 << 20);
            if let Some(theirs) = lz_str::decompress_from_base64(input) {
                if let Ok(ours) = ours {
                    assert_eq!(ours, theirs, "{input}");
                }
            }
        }
    }

    #[test]
    fn a_bomb_stops_at_the_limit() {
        // A run of one character compresses to about the square root of its length.
        let bomb = lz_str::compress_to_base64("a".repeat(3 << 20).as_str());
        assert!(bomb.len() < 16 << 10, "{} bytes", bomb.len());
        assert_eq!(
            decompress_from_base64(&bomb, 2 << 20),
            Err(LzError::TooLarge)
        );
        let fits = lz_str::compress_to_base64("a".repeat(1000).as_str());
        assert_eq!(decompress_from_base64(&fits, 1000).unwrap().len(), 1000);
        assert_eq!(decompress_from_base64(&fits, 999), Err(LzError::TooLarge));
    }
}
