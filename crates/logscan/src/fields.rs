//! The canonical fields of a structured log line and the key names that
//! stand for each, compared without regard to case.

use serde::Serialize;

/// A field the log rules look at, whatever key a service names it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    /// `timestamp`, `ts`, `time`, `@timestamp`, `t`, `@t`, `datetime`.
    Timestamp,
    /// `level`, `severity`, `lvl`, `loglevel`, `log_level`, `log.level`,
    /// `error_severity` (PostgreSQL), `levelname` (Python), `@l`.
    Level,
    /// `msg`, `message`, then `@m`, `@mt`, `log`, `event`.
    Message,
    /// `service`, `service_name`, `service.name`, `servicename`, then
    /// `svc`, `app`, `application`, `app_name`, `appname`, then `program`.
    /// Not `component` and not `logger`: those name parts of a service.
    Service,
    /// `error`, `err`, `error.message`, `error_message`, then `exception`,
    /// `exception.message`.
    Error,
    /// `stacktrace`, `stack`, `stack_trace`, `exception.stacktrace`,
    /// `traceback`, `error.stack_trace`, `error.stack`, then `exc_info`, `@x`.
    StackTrace,
    /// `caller` (zap, go-kit, Mattermost), `src`.
    Caller,
    /// `logger`, `logger_name`, `loggername`, `log.logger`.
    Logger,
}

impl Field {
    /// Every field, in a fixed order.
    pub const ALL: [Field; 8] = [
        Field::Timestamp,
        Field::Level,
        Field::Message,
        Field::Service,
        Field::Error,
        Field::StackTrace,
        Field::Caller,
        Field::Logger,
    ];

    /// The field's name in kebab case.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Timestamp => "timestamp",
            Field::Level => "level",
            Field::Message => "message",
            Field::Service => "service",
            Field::Error => "error",
            Field::StackTrace => "stack-trace",
            Field::Caller => "caller",
            Field::Logger => "logger",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// The longest key name that can be canonical.
const MAX_KEY: usize = 24;

/// The field a key stands for and its rank (0 is preferred when a line has
/// several keys for one field), for a key name in any case. Nested members
/// are passed as dotted paths (`service.name`).
pub fn canonical_field(key: &str) -> Option<(Field, u8)> {
    canonical_bytes(key.as_bytes())
}

pub(crate) fn canonical_bytes(key: &[u8]) -> Option<(Field, u8)> {
    match pack_key(key, 0, key.len()) {
        Some(packed) => canonical_packed(packed),
        None => canonical_long(key),
    }
}

/// The key `b[start..end]`, when shorter than 16 bytes, packed into an
/// integer: its bytes zero-padded, its length in the last byte. Read with
/// one load when the buffer has room past the key.
#[inline]
pub(crate) fn pack_key(b: &[u8], start: usize, end: usize) -> Option<u128> {
    let len = end.checked_sub(start)?;
    if len >= 16 || end > b.len() {
        return None;
    }
    let raw = match b.get(start..start + 16).map(<[u8; 16]>::try_from) {
        Some(Ok(bytes)) => u128::from_le_bytes(bytes),
        _ => {
            let mut x = 0u128;
            for (i, &c) in b[start..end].iter().enumerate() {
                x |= u128::from(c) << (8 * i);
            }
            x
        }
    };
    let mask = (1u128 << (8 * len)) - 1;
    Some((raw & mask) | ((len as u128) << 120))
}

/// ASCII upper case to lower case in every byte of `x` at once.
#[inline]
fn lower_swar(x: u128) -> u128 {
    const LOW7: u128 = 0x7f7f_7f7f_7f7f_7f7f_7f7f_7f7f_7f7f_7f7f;
    const HIGH: u128 = 0x8080_8080_8080_8080_8080_8080_8080_8080;
    const ONES: u128 = 0x0101_0101_0101_0101_0101_0101_0101_0101;
    let h = x & LOW7;
    // High bit set in bytes >= 'A', and in bytes > 'Z'.
    let ge_a = h + ONES * u128::from(0x80 - b'A');
    let gt_z = h + ONES * u128::from(0x80 - b'Z' - 1);
    let upper = ge_a & !gt_z & !x & HIGH;
    x | (upper >> 2)
}

/// The field of a packed key ([`pack_key`]), in any case.
#[inline]
pub(crate) fn canonical_packed(packed: u128) -> Option<(Field, u8)> {
    canonical_short(lower_swar(packed))
}

fn canonical_long(key: &[u8]) -> Option<(Field, u8)> {
    if key.len() > MAX_KEY {
        return None;
    }
    let mut buf = [0u8; MAX_KEY];
    let lower = &mut buf[..key.len()];
    lower.copy_from_slice(key);
    lower.make_ascii_lowercase();
    use Field::*;
    Some(match &*lower {
        b"exception.message" => (Error, 1),
        b"exception.stacktrace" | b"error.stack_trace" | b"error.stacktrace" => (StackTrace, 0),
        _ => return None,
    })
}

/// A key of at most 15 bytes, zero-padded, its length in the last byte,
/// as a little-endian integer.
const fn pack(key: &[u8]) -> u128 {
    let mut buf = [0u8; 16];
    let mut i = 0;
    while i < key.len() {
        buf[i] = key[i];
        i += 1;
    }
    buf[15] = key.len() as u8;
    u128::from_le_bytes(buf)
}

macro_rules! short_keys {
    ($($name:ident = $key:literal => $field:ident, $rank:literal;)*) => {
        $(const $name: u128 = pack($key);)*
        fn canonical_short(packed: u128) -> Option<(Field, u8)> {
            match packed {
                $($name => Some((Field::$field, $rank)),)*
                _ => None,
            }
        }
    };
}

short_keys! {
    K_TIMESTAMP = b"timestamp" => Timestamp, 0;
    K_TS = b"ts" => Timestamp, 0;
    K_TIME = b"time" => Timestamp, 0;
    K_AT_TIMESTAMP = b"@timestamp" => Timestamp, 0;
    K_T = b"t" => Timestamp, 1;
    K_AT_T = b"@t" => Timestamp, 1;
    K_DATETIME = b"datetime" => Timestamp, 1;
    K_LEVEL = b"level" => Level, 0;
    K_SEVERITY = b"severity" => Level, 0;
    K_LVL = b"lvl" => Level, 0;
    K_LOGLEVEL = b"loglevel" => Level, 0;
    K_LOG_LEVEL = b"log_level" => Level, 0;
    K_LOG_DOT_LEVEL = b"log.level" => Level, 0;
    K_ERROR_SEVERITY = b"error_severity" => Level, 0;
    K_LEVELNAME = b"levelname" => Level, 0;
    K_LEVEL_NAME = b"level_name" => Level, 0;
    K_AT_L = b"@l" => Level, 1;
    K_MSG = b"msg" => Message, 0;
    K_MESSAGE = b"message" => Message, 0;
    K_AT_M = b"@m" => Message, 1;
    K_AT_MT = b"@mt" => Message, 1;
    K_LOG = b"log" => Message, 2;
    K_EVENT = b"event" => Message, 2;
    K_SERVICE = b"service" => Service, 0;
    K_SERVICE_NAME = b"service_name" => Service, 0;
    K_SERVICE_DOT_NAME = b"service.name" => Service, 0;
    K_SERVICENAME = b"servicename" => Service, 0;
    K_SVC = b"svc" => Service, 1;
    K_APP = b"app" => Service, 1;
    K_APPLICATION = b"application" => Service, 1;
    K_APP_NAME = b"app_name" => Service, 1;
    K_APPNAME = b"appname" => Service, 1;
    K_PROGRAM = b"program" => Service, 2;
    K_ERROR = b"error" => Error, 0;
    K_ERR = b"err" => Error, 0;
    K_ERROR_DOT_MESSAGE = b"error.message" => Error, 0;
    K_ERROR_MESSAGE = b"error_message" => Error, 0;
    K_EXCEPTION = b"exception" => Error, 1;
    K_STACKTRACE = b"stacktrace" => StackTrace, 0;
    K_STACK = b"stack" => StackTrace, 0;
    K_STACK_TRACE = b"stack_trace" => StackTrace, 0;
    K_TRACEBACK = b"traceback" => StackTrace, 0;
    K_ERROR_STACK = b"error.stack" => StackTrace, 0;
    K_EXC_INFO = b"exc_info" => StackTrace, 1;
    K_AT_X = b"@x" => StackTrace, 1;
    K_CALLER = b"caller" => Caller, 0;
    K_SRC = b"src" => Caller, 1;
    K_LOGGER = b"logger" => Logger, 0;
    K_LOGGER_NAME = b"logger_name" => Logger, 0;
    K_LOGGERNAME = b"loggername" => Logger, 0;
    K_LOG_DOT_LOGGER = b"log.logger" => Logger, 0;
}

/// Whether a top-level key whose value is an object should be walked for
/// dotted fields (`{"service":{"name":"x"}}` is `service.name`).
pub(crate) fn is_nested_parent(key: &[u8]) -> bool {
    if key.len() > 9 {
        return false;
    }
    let mut buf = [0u8; 9];
    let lower = &mut buf[..key.len()];
    lower.copy_from_slice(key);
    lower.make_ascii_lowercase();
    matches!(&*lower, b"service" | b"log" | b"error" | b"exception")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_case_insensitively() {
        assert_eq!(canonical_field("level"), Some((Field::Level, 0)));
        assert_eq!(canonical_field("LEVEL"), Some((Field::Level, 0)));
        assert_eq!(canonical_field("Severity"), Some((Field::Level, 0)));
        assert_eq!(canonical_field("error_severity"), Some((Field::Level, 0)));
        assert_eq!(canonical_field("levelname"), Some((Field::Level, 0)));
        assert_eq!(canonical_field("log.level"), Some((Field::Level, 0)));
        assert_eq!(canonical_field("msg"), Some((Field::Message, 0)));
        assert_eq!(canonical_field("event"), Some((Field::Message, 2)));
        assert_eq!(canonical_field("@timestamp"), Some((Field::Timestamp, 0)));
        assert_eq!(canonical_field("t"), Some((Field::Timestamp, 1)));
        assert_eq!(canonical_field("service.name"), Some((Field::Service, 0)));
        assert_eq!(canonical_field("app"), Some((Field::Service, 1)));
        assert_eq!(canonical_field("program"), Some((Field::Service, 2)));
        assert_eq!(canonical_field("error.message"), Some((Field::Error, 0)));
        assert_eq!(canonical_field("traceback"), Some((Field::StackTrace, 0)));
        assert_eq!(
            canonical_field("exception.stacktrace"),
            Some((Field::StackTrace, 0))
        );
        assert_eq!(canonical_field("caller"), Some((Field::Caller, 0)));
        assert_eq!(canonical_field("logger"), Some((Field::Logger, 0)));
        assert_eq!(
            canonical_field("exception.message"),
            Some((Field::Error, 1))
        );
        assert_eq!(
            canonical_field("Error.Stack_Trace"),
            Some((Field::StackTrace, 0))
        );
        assert_eq!(canonical_field("timestampx"), None);
        assert_eq!(canonical_field("time\0"), None);
    }

    #[test]
    fn component_and_logger_are_not_the_service() {
        assert_eq!(canonical_field("component"), None);
        assert_ne!(canonical_field("logger").map(|f| f.0), Some(Field::Service));
        assert_eq!(canonical_field("request_id"), None);
        assert_eq!(canonical_field(""), None);
        assert_eq!(
            canonical_field("a_very_long_key_name_that_is_not_canonical"),
            None
        );
    }

    #[test]
    fn packing_and_case() {
        let line = br#"{"LeVeL":"x","msg":"y"}"#;
        let p = pack_key(line, 2, 7).expect("short");
        assert_eq!(canonical_packed(p), Some((Field::Level, 0)));
        // At the end of the buffer, without room for one load.
        let p = pack_key(b"xxmsg", 2, 5).expect("short");
        assert_eq!(canonical_packed(p), Some((Field::Message, 0)));
        assert_eq!(
            pack_key(b"abc", 0, 3),
            pack_key(b"abcdefghijklmnopqrstu", 0, 3)
        );
        assert_eq!(pack_key(b"0123456789abcdef", 0, 16), None);
        for c in 0u8..=255 {
            let want = c.to_ascii_lowercase();
            let got = lower_swar(u128::from(c) << 40) >> 40;
            assert_eq!(got, u128::from(want), "{c}");
        }
        // Keys differing in a non-letter byte.
        assert_eq!(canonical_field("l\u{e9}vel"), None);
        assert_eq!(canonical_field("LEVE["), None);
    }

    #[test]
    fn nested_parents() {
        assert!(is_nested_parent(b"service"));
        assert!(is_nested_parent(b"Error"));
        assert!(!is_nested_parent(b"http"));
    }
}
