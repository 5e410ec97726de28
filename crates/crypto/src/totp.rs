//! Time-based one-time passwords (RFC 6238) for the second factor: HMAC-SHA1, 6 digits, a
//! 30-second step — what every authenticator app implements by default.
//!
//! - A [`TotpSecret`] is 160 random bits (RFC 4226 recommends 160), drawn from an injected
//!   RNG. It is shown once at enrolment, as base32 text ([`TotpSecret::to_base32`]), as an
//!   `otpauth://` URI ([`otpauth_uri`]) and as a QR code of that URI ([`qr_svg`]); all three
//!   are [`SecretText`], so none can be printed by accident.
//! - [`verify`] accepts the code of the current step or of one step either side (clock drift
//!   and typing time), compares in constant time, and refuses any step at or before the last
//!   step this user had accepted. The caller stores the step `verify` returns and passes it
//!   back next time: that is the replay protection, so a code seen over a shoulder or in a
//!   proxy log cannot be used again, not even within its own 90 seconds.
//! - Time is injected: every function takes the current Unix time in seconds.
//!
//! The secret must be kept so that codes can be checked (there is nothing to hash): the store
//! keeps [`TotpSecret::expose_bytes`] and rebuilds it with [`TotpSecret::from_bytes`].

use crate::secret::SecretText;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use rand::{CryptoRng, RngCore};
use sha1::Sha1;
use std::fmt;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Length of a TOTP secret in bytes (160 bits, as RFC 4226 recommends for HMAC-SHA1).
pub const SECRET_LEN: usize = 20;
/// Digits in a code.
pub const DIGITS: usize = 6;
/// Seconds per time step.
pub const STEP_SECONDS: i64 = 30;
/// Steps accepted either side of the current one.
pub const WINDOW_STEPS: i64 = 1;

/// Side of one QR module in SVG user units; the QR code has a 4-module quiet zone around it.
const QR_MODULE_SIZE: u32 = 6;

/// Why a code was refused, or enrolment material could not be made. The messages carry no
/// code, secret or time, so they are safe to log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TotpError {
    #[error("a TOTP code is exactly six ASCII digits")]
    Malformed,
    #[error("the TOTP code does not match")]
    Mismatch,
    #[error("the TOTP code was already used")]
    Replayed,
    #[error("the time is before the Unix epoch")]
    TimeBeforeEpoch,
    #[error("the enrolment URI is too long for a QR code")]
    UriTooLong,
}

/// The shared key of one user's authenticator. Cannot be cloned, printed or serialised;
/// zeroed on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct TotpSecret([u8; SECRET_LEN]);

impl TotpSecret {
    /// A fresh secret from the given random source.
    pub fn generate(rng: &mut (impl RngCore + CryptoRng)) -> Self {
        let mut bytes = [0u8; SECRET_LEN];
        rng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// A secret as the store kept it.
    pub fn from_bytes(bytes: [u8; SECRET_LEN]) -> Self {
        Self(bytes)
    }

    /// The raw key, for the store only.
    pub fn expose_bytes(&self) -> &[u8; SECRET_LEN] {
        &self.0
    }

    /// The key as RFC 4648 base32 without padding (32 characters), for a person to type into
    /// an authenticator app that cannot scan the QR code.
    pub fn to_base32(&self) -> SecretText {
        SecretText::new(base32_encode(&self.0))
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(redacted)")
    }
}

/// Check `code` against the codes of the steps around `unix_time`.
///
/// Returns the step that matched; the caller stores it and passes it as `last_used_step` next
/// time. A code whose step is at or before `last_used_step` is [`TotpError::Replayed`], even
/// if it matches. The code must be exactly six ASCII digits (a form may strip spaces first).
/// All candidate steps are computed and compared in constant time.
pub fn verify(
    secret: &TotpSecret,
    code: &str,
    unix_time: i64,
    last_used_step: Option<i64>,
) -> Result<i64, TotpError> {
    let code = parse_code(code)?;
    let current = step_at(unix_time)?;
    let mut accepted = Choice::from(0);
    let mut accepted_step = 0i64;
    let mut replayed = Choice::from(0);
    for step in current - WINDOW_STEPS..=current + WINDOW_STEPS {
        let Ok(counter) = u64::try_from(step) else {
            continue; // before the epoch: no such step
        };
        let expected = code_digits(hotp(&secret.0, counter));
        let matches = expected.ct_eq(&code);
        // Whether the step is fresh depends on stored state, not on the secret.
        let fresh = Choice::from(u8::from(last_used_step.is_none_or(|last| step > last)));
        let ok = matches & fresh;
        // Later steps win, so the highest matching fresh step is returned.
        accepted_step.conditional_assign(&step, ok);
        accepted |= ok;
        replayed |= matches & !fresh;
    }
    if bool::from(accepted) {
        Ok(accepted_step)
    } else if bool::from(replayed) {
        Err(TotpError::Replayed)
    } else {
        Err(TotpError::Mismatch)
    }
}

/// The code an authenticator app shows at `unix_time`. For tests and tools (a test logs in
/// with it); the server only ever calls [`verify`].
pub fn code_at(secret: &TotpSecret, unix_time: i64) -> Result<String, TotpError> {
    let step = step_at(unix_time)?;
    let counter = u64::try_from(step).map_err(|_| TotpError::TimeBeforeEpoch)?;
    let digits = code_digits(hotp(&secret.0, counter));
    Ok(digits.iter().map(|&d| char::from(d)).collect())
}

/// The time step that `unix_time` falls in.
pub fn step_at(unix_time: i64) -> Result<i64, TotpError> {
    if unix_time < 0 {
        return Err(TotpError::TimeBeforeEpoch);
    }
    Ok(unix_time / STEP_SECONDS)
}

/// Characters left as they are in the URI: RFC 3986's unreserved set. Everything else in the
/// issuer and account is percent-encoded, so a `:` inside either cannot be mistaken for the
/// label's separator, and `&` or `=` cannot forge a parameter.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The enrolment URI in the Key URI Format that authenticator apps scan:
/// `otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30`.
/// It contains the secret.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &TotpSecret) -> SecretText {
    let issuer = utf8_percent_encode(issuer, URI_COMPONENT).to_string();
    let account = utf8_percent_encode(account, URI_COMPONENT);
    let key = secret.to_base32();
    SecretText::new(format!(
        "otpauth://totp/{issuer}:{account}?secret={key}&issuer={issuer}\
         &algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        key = key.expose(),
    ))
}

/// The URI as a QR code in a standalone SVG document (black modules on white, a quiet zone,
/// error correction level M), for the web app to show at enrolment. The SVG holds only
/// numbers and colours, never the URI's text, so it cannot carry markup from the issuer or
/// account name. It encodes the secret, so it is [`SecretText`].
pub fn qr_svg(uri: &str) -> Result<SecretText, TotpError> {
    let code = QrCode::with_error_correction_level(uri.as_bytes(), EcLevel::M)
        .map_err(|_| TotpError::UriTooLong)?;
    let svg = code
        .render::<svg::Color>()
        .quiet_zone(true)
        .module_dimensions(QR_MODULE_SIZE, QR_MODULE_SIZE)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    Ok(SecretText::new(svg))
}

/// HOTP (RFC 4226 section 5.3) before the final `mod 10^digits`: HMAC-SHA1 of the big-endian
/// counter, dynamically truncated to 31 bits.
fn hotp(key: &[u8], counter: u64) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let word = [
        digest[offset],
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ];
    u32::from_be_bytes(word) & 0x7fff_ffff
}

/// The six ASCII digits of a truncated HOTP value, zero-padded on the left.
fn code_digits(truncated: u32) -> [u8; DIGITS] {
    let mut value = truncated % 1_000_000;
    let mut digits = [b'0'; DIGITS];
    for digit in digits.iter_mut().rev() {
        // `value % 10` is below 10, so the cast cannot truncate.
        *digit = b'0' + (value % 10) as u8;
        value /= 10;
    }
    digits
}

/// Exactly six ASCII digits; anything else (spaces, signs, other scripts' digits) is refused.
fn parse_code(code: &str) -> Result<[u8; DIGITS], TotpError> {
    let bytes: [u8; DIGITS] = code
        .as_bytes()
        .try_into()
        .map_err(|_| TotpError::Malformed)?;
    if bytes.iter().all(u8::is_ascii_digit) {
        Ok(bytes)
    } else {
        Err(TotpError::Malformed)
    }
}

/// RFC 4648 base32 (upper case, no padding). Twelve lines do not justify a crate.
fn base32_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity((bytes.len() * 8).div_ceil(5));
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    buffer.zeroize();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use percent_encoding::percent_decode_str;
    use proptest::prelude::*;
    use rand::SeedableRng;

    /// RFC 6238 Appendix B's key for the SHA1 rows.
    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(*b"12345678901234567890")
    }

    /// RFC 6238 Appendix B, SHA1 rows: (time, 8-digit TOTP). The 6-digit code is the value
    /// mod 10^6, i.e. its last six digits.
    const RFC6238_SHA1: [(i64, &str); 6] = [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];

    #[test]
    fn rfc6238_vectors_with_eight_digits() {
        let secret = rfc_secret();
        for (time, expected) in RFC6238_SHA1 {
            let step = u64::try_from(step_at(time).unwrap()).unwrap();
            let code = format!("{:08}", hotp(&secret.0, step) % 100_000_000);
            assert_eq!(code, expected, "time {time}");
        }
    }

    #[test]
    fn rfc6238_vectors_with_six_digits() {
        let secret = rfc_secret();
        for (time, eight) in RFC6238_SHA1 {
            let six = &eight[2..];
            assert_eq!(code_at(&secret, time).unwrap(), six, "time {time}");
            assert_eq!(
                verify(&secret, six, time, None),
                Ok(step_at(time).unwrap()),
                "time {time}"
            );
        }
    }

    #[test]
    fn rfc4226_hotp_vectors() {
        // RFC 4226 Appendix D: counters 0 to 9 under the same key, six digits.
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        let secret = rfc_secret();
        for (counter, code) in expected.iter().enumerate() {
            let digits = code_digits(hotp(&secret.0, counter as u64));
            assert_eq!(&digits, code.as_bytes(), "counter {counter}");
        }
    }

    #[test]
    fn codes_with_leading_zeros_keep_them() {
        // 1111111109 gives 07081804: six digits "081804".
        assert_eq!(code_at(&rfc_secret(), 1_111_111_109).unwrap(), "081804");
        assert_eq!(&code_digits(42), b"000042");
        assert_eq!(&code_digits(1_000_000), b"000000");
    }

    /// The code of step `step`, for window tests.
    fn code_of_step(secret: &TotpSecret, step: i64) -> String {
        code_at(secret, step * STEP_SECONDS).unwrap()
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_no_further() {
        let secret = rfc_secret();
        let code = code_of_step(&secret, 10); // shown from 300 s to 329 s
        // Data-driven: (time, expected result).
        let cases = [
            (269, Err(TotpError::Mismatch)), // step 8: too early
            (270, Ok(10)),                   // step 9: first second of the window
            (299, Ok(10)),
            (300, Ok(10)), // its own step
            (329, Ok(10)),
            (330, Ok(10)),                   // step 11
            (359, Ok(10)),                   // last second of the window
            (360, Err(TotpError::Mismatch)), // step 12: too late
        ];
        for (time, expected) in cases {
            assert_eq!(verify(&secret, &code, time, None), expected, "time {time}");
        }
    }

    #[test]
    fn a_used_code_is_refused_the_second_time() {
        let secret = rfc_secret();
        let code = code_of_step(&secret, 100);
        let step = verify(&secret, &code, 3000, None).unwrap();
        assert_eq!(step, 100);
        assert_eq!(
            verify(&secret, &code, 3001, Some(step)),
            Err(TotpError::Replayed)
        );
        // Still refused later in its window.
        assert_eq!(
            verify(&secret, &code, 3030, Some(step)),
            Err(TotpError::Replayed)
        );
    }

    #[test]
    fn the_next_step_is_accepted_after_a_use_and_an_older_one_is_not() {
        let secret = rfc_secret();
        let time = 100 * STEP_SECONDS;
        let next = code_of_step(&secret, 101);
        assert_eq!(verify(&secret, &next, time, Some(100)), Ok(101));
        // The previous step's code is inside the window but not after the last used step.
        let previous = code_of_step(&secret, 99);
        assert_eq!(
            verify(&secret, &previous, time, Some(100)),
            Err(TotpError::Replayed)
        );
        // Having used the future step, the current one is refused too.
        let current = code_of_step(&secret, 100);
        assert_eq!(
            verify(&secret, &current, time, Some(101)),
            Err(TotpError::Replayed)
        );
    }

    #[test]
    fn when_two_steps_share_a_code_the_later_step_is_returned() {
        // Under the RFC key, steps 910737 and 910738 both show 911617 (found by search).
        // Returning the later step blocks both codes from being used again.
        let secret = rfc_secret();
        assert_eq!(code_of_step(&secret, 910_737), "911617");
        assert_eq!(code_of_step(&secret, 910_738), "911617");
        let time = 910_737 * STEP_SECONDS;
        assert_eq!(verify(&secret, "911617", time, None), Ok(910_738));
        assert_eq!(verify(&secret, "911617", time, Some(910_737)), Ok(910_738));
        assert_eq!(
            verify(&secret, "911617", time, Some(910_738)),
            Err(TotpError::Replayed)
        );
    }

    #[test]
    fn a_wrong_code_is_a_mismatch_not_a_replay() {
        let secret = rfc_secret();
        let code = code_of_step(&secret, 100);
        let wrong = if code == "000000" { "000001" } else { "000000" };
        assert_eq!(
            verify(&secret, wrong, 3000, Some(50)),
            Err(TotpError::Mismatch)
        );
        assert_eq!(
            verify(&TotpSecret::from_bytes([7; SECRET_LEN]), &code, 3000, None),
            Err(TotpError::Mismatch)
        );
    }

    #[test]
    fn malformed_codes_are_refused_before_any_check() {
        let secret = rfc_secret();
        let malformed = [
            "",
            "12345",
            "1234567",
            "12345a",
            " 123456",
            "123456 ",
            "123 456",
            "123-456",
            "+12345",
            "-12345",
            "١٢٣٤٥٦",       // Arabic-Indic digits: digits, but not ASCII
            "１２３４５６", // full-width digits
            "12345\u{0}",
        ];
        for code in malformed {
            assert_eq!(
                verify(&secret, code, 59, None),
                Err(TotpError::Malformed),
                "{code:?}"
            );
        }
    }

    #[test]
    fn times_before_the_epoch_are_refused() {
        let secret = rfc_secret();
        assert_eq!(code_at(&secret, -1), Err(TotpError::TimeBeforeEpoch));
        assert_eq!(
            verify(&secret, "123456", -1, None),
            Err(TotpError::TimeBeforeEpoch)
        );
        // In the first step there is no step before it; the current and next still work.
        assert_eq!(verify(&secret, &code_of_step(&secret, 0), 0, None), Ok(0));
        assert_eq!(verify(&secret, &code_of_step(&secret, 1), 0, None), Ok(1));
    }

    #[test]
    fn the_furthest_times_do_not_overflow() {
        let secret = rfc_secret();
        let code = code_at(&secret, i64::MAX).unwrap();
        assert_eq!(
            verify(&secret, &code, i64::MAX, None),
            Ok(i64::MAX / STEP_SECONDS)
        );
    }

    #[test]
    fn generated_secrets_are_random_and_follow_the_rng() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let a = TotpSecret::generate(&mut rng);
        let b = TotpSecret::generate(&mut rng);
        assert_ne!(a.expose_bytes(), b.expose_bytes());
        let mut again = rand::rngs::StdRng::seed_from_u64(3);
        assert_eq!(
            TotpSecret::generate(&mut again).expose_bytes(),
            a.expose_bytes()
        );
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let secret = rfc_secret();
        let shown = format!("{secret:?}");
        assert_eq!(shown, "TotpSecret(redacted)");
        assert_eq!(format!("{:?}", secret.to_base32()), "SecretText(redacted)");
    }

    #[test]
    fn base32_matches_rfc4648_without_padding() {
        let vectors = [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ];
        for (input, expected) in vectors {
            assert_eq!(base32_encode(input.as_bytes()), expected, "{input:?}");
        }
        assert_eq!(
            rfc_secret().to_base32().expose(),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
    }

    /// Test-only RFC 4648 decoder, to check the encoder by round trip.
    fn base32_decode(text: &str) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buffer = 0u32;
        let mut bits = 0;
        for c in text.bytes() {
            let value = match c {
                b'A'..=b'Z' => c - b'A',
                b'2'..=b'7' => c - b'2' + 26,
                _ => panic!("not base32: {c}"),
            };
            buffer = (buffer << 5) | u32::from(value);
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                out.push((buffer >> bits) as u8);
                buffer &= (1 << bits) - 1;
            }
        }
        out
    }

    #[test]
    fn the_uri_follows_the_key_uri_format() {
        let uri = otpauth_uri("Caseward", "amina.k", &rfc_secret());
        assert_eq!(
            uri.expose(),
            "otpauth://totp/Caseward:amina.k?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=Caseward&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn the_uri_percent_encodes_issuer_and_account() {
        let uri = otpauth_uri(
            "Child Protection: Field Office & Co",
            "zoë@example.org",
            &rfc_secret(),
        );
        assert_eq!(
            uri.expose(),
            "otpauth://totp/Child%20Protection%3A%20Field%20Office%20%26%20Co\
             :zo%C3%AB%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=Child%20Protection%3A%20Field%20Office%20%26%20Co\
             &algorithm=SHA1&digits=6&period=30"
        );
    }

    /// Split an `otpauth://totp/` URI into (label issuer, account, query pairs), decoded.
    fn parse_uri(uri: &str) -> (String, String, Vec<(String, String)>) {
        let rest = uri
            .strip_prefix("otpauth://totp/")
            .expect("scheme and type");
        let (label, query) = rest.split_once('?').expect("a query");
        let (issuer, account) = label.split_once(':').expect("issuer:account");
        assert!(!account.contains(':'), "one separator only");
        let decode = |s: &str| percent_decode_str(s).decode_utf8().unwrap().into_owned();
        let pairs = query
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').expect("key=value");
                (decode(k), decode(v))
            })
            .collect();
        (decode(issuer), decode(account), pairs)
    }

    /// A QR code of the SVG drawn by `qr_svg`, rasterised from its path and decoded.
    fn decode_svg(svg: &str) -> String {
        let doc = roxmltree::Document::parse(svg).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        let size: usize = root.attribute("width").unwrap().parse().unwrap();
        assert_eq!(root.attribute("height").unwrap(), size.to_string());
        assert_eq!(
            root.attribute("viewBox").unwrap(),
            format!("0 0 {size} {size}")
        );
        let path = root
            .children()
            .find(|n| n.has_tag_name("path"))
            .expect("a path of dark modules");
        // The renderer draws each run of dark modules as `M{x} {y}h{w}v{h}H{x}V{y}`.
        let mut dark = vec![false; size * size];
        for rect in path.attribute("d").unwrap().split('M').skip(1) {
            let numbers: Vec<usize> = rect
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().unwrap())
                .collect();
            let [x, y, w, h, ..] = numbers[..] else {
                panic!("unexpected path segment {rect:?}")
            };
            for row in y..y + h {
                for col in x..x + w {
                    dark[row * size + col] = true;
                }
            }
        }
        let mut image =
            rqrr::PreparedImage::prepare_from_bitmap(size, size, |x, y| dark[y * size + x]);
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code");
        grids[0].decode().expect("decodes").1
    }

    #[test]
    fn the_qr_code_is_well_formed_svg_that_scans_as_the_uri() {
        let uri = otpauth_uri("Caseward", "amina.k", &rfc_secret());
        let svg = qr_svg(uri.expose()).unwrap();
        assert!(svg.expose().starts_with("<?xml"));
        assert!(!svg.expose().contains("amina"), "no text from the URI");
        assert_eq!(decode_svg(svg.expose()), uri.expose());
    }

    #[test]
    fn a_uri_too_long_for_a_qr_code_is_refused() {
        let account = "a".repeat(5000);
        let uri = otpauth_uri("Caseward", &account, &rfc_secret());
        assert_eq!(qr_svg(uri.expose()).map(|_| ()), Err(TotpError::UriTooLong));
    }

    proptest! {
        #[test]
        fn any_code_verifies_within_its_window_and_only_once(
            key in proptest::array::uniform20(any::<u8>()),
            time in 0i64..4_000_000_000,
            drift in -WINDOW_STEPS..=WINDOW_STEPS,
        ) {
            let secret = TotpSecret::from_bytes(key);
            let code = code_at(&secret, time).unwrap();
            let step = step_at(time).unwrap();
            let now = (step + drift).max(0) * STEP_SECONDS;
            let accepted = verify(&secret, &code, now, None);
            // Another step in the window may share the code (one chance in a million); the
            // highest matching step is returned, never an earlier one.
            prop_assert!(matches!(accepted, Ok(s) if s >= step && s <= step_at(now).unwrap() + 1));
            let accepted = accepted.unwrap();
            prop_assert_eq!(
                verify(&secret, &code, now, Some(accepted)),
                Err(TotpError::Replayed)
            );
        }

        #[test]
        fn anything_but_six_ascii_digits_is_malformed(code in "\\PC{0,10}") {
            prop_assume!(!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())));
            prop_assert_eq!(
                verify(&rfc_secret(), &code, 59, None),
                Err(TotpError::Malformed)
            );
        }

        #[test]
        fn base32_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let text = base32_encode(&bytes);
            prop_assert_eq!(text.len(), (bytes.len() * 8).div_ceil(5));
            prop_assert!(text.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
            prop_assert_eq!(base32_decode(&text), bytes);
        }

        #[test]
        fn any_issuer_and_account_survive_the_uri(issuer in "\\PC{0,40}", account in "\\PC{0,40}") {
            let uri = otpauth_uri(&issuer, &account, &rfc_secret());
            let text = uri.expose();
            prop_assert!(text.bytes().all(|b| b.is_ascii_graphic()));
            let (label_issuer, label_account, pairs) = parse_uri(text);
            prop_assert_eq!(&label_issuer, &issuer);
            prop_assert_eq!(&label_account, &account);
            let expected: Vec<(String, String)> = [
                ("secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
                ("issuer", issuer.as_str()),
                ("algorithm", "SHA1"),
                ("digits", "6"),
                ("period", "30"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
            prop_assert_eq!(pairs, expected);
        }
    }
}
