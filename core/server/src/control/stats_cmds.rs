//! The ten `statistic-*` commands (CTL-058..064).

use super::{args, ServerControl};
use bytes::Bytes;
use ruru_control::{Command, Response};
use ruru_stats::{Limit, Registry};
use serde_json::json;
use std::sync::Arc;

/// Answers a `statistic-*` command; `None` for a name that is not one.
pub(super) async fn run(ctl: &ServerControl, cmd: &Command) -> Option<Response> {
    let reg = &ctl.registry;
    let r = match cmd.name.as_str() {
        "statistic-get" => named(cmd, |name| {
            // An unknown name is not an error: an empty map (CTL-058).
            let mut text = String::new();
            reg.write_one_json(name, &mut text);
            Response::answer_text([Bytes::from(text)])
        }),
        "statistic-get-all" => get_all(reg.clone()).await,
        "statistic-reset" => named(cmd, |name| match reg.reset(name) {
            true => Response::ok(format!("Statistic '{name}' reset.")),
            false => no_such(name),
        }),
        "statistic-reset-all" => {
            reg.reset_all();
            Response::ok("All statistics reset to neutral values.")
        }
        "statistic-remove" => named(cmd, |name| match reg.remove(name) {
            true => Response::ok(format!("Statistic '{name}' removed.")),
            false => no_such(name),
        }),
        "statistic-remove-all" => {
            reg.remove_all();
            Response::ok("All statistics removed.")
        }
        "statistic-sample-age-set" => limit_one(ctl, cmd, "duration"),
        "statistic-sample-count-set" => limit_one(ctl, cmd, "max-samples"),
        "statistic-sample-age-set-all" => limit_all(ctl, cmd, "duration"),
        "statistic-sample-count-set-all" => limit_all(ctl, cmd, "max-samples"),
        _ => return None,
    };
    Some(r)
}

/// Every statistic, written as Kea's JSON text without a tree (CTL-068). Tens of milliseconds of
/// formatting with 10 000 subnets run on a blocking thread, not on a runtime worker: parked packets
/// and database round trips finish on those workers.
async fn get_all(reg: Arc<Registry>) -> Response {
    let written = tokio::task::spawn_blocking(move || reg.all_json()).await;
    match written {
        Ok(pieces) => Response::answer_text(pieces),
        Err(e) => Response::error(format!("statistic-get-all failed: {e}")),
    }
}

fn no_such(name: &str) -> Response {
    Response::error(format!("No '{name}' statistic found"))
}

/// Runs `f` on the mandatory string `name`.
fn named(cmd: &Command, f: impl FnOnce(&str) -> Response) -> Response {
    match args::required_str(cmd, "name") {
        Ok(name) => f(name),
        Err(r) => r,
    }
}

/// Reads `duration` (seconds) or `max-samples` (not zero, CTL-063) as a limit.
fn limit(cmd: &Command, key: &str) -> Result<Limit, Response> {
    let n = args::required_u32(cmd, key)?;
    match key {
        "duration" => Ok(Limit::AgeSecs(n)),
        _ if n == 0 => Err(Response::error("'max-samples' parameter must not be zero.")),
        _ => Ok(Limit::Count(n)),
    }
}

fn limit_one(ctl: &ServerControl, cmd: &Command, key: &str) -> Response {
    let limit = match limit(cmd, key) {
        Ok(l) => l,
        Err(r) => return r,
    };
    named(cmd, |name| match ctl.registry.set_limit(name, limit) {
        true => Response::ok(format!(
            "Statistic '{name}' {} limit is set.",
            limit_word(key)
        )),
        false => no_such(name),
    })
}

/// Sets the limit of every statistic and makes it the default, visible in `config-get` (CTL-063).
fn limit_all(ctl: &ServerControl, cmd: &Command, key: &str) -> Response {
    let limit = match limit(cmd, key) {
        Ok(l) => l,
        Err(r) => return r,
    };
    ctl.registry.set_limit_all(limit);
    ctl.edit_object(|obj| match limit {
        Limit::Count(n) => {
            obj.insert("statistic-default-sample-count".into(), json!(n));
        }
        Limit::AgeSecs(secs) => {
            obj.insert("statistic-default-sample-age".into(), json!(secs));
            // The age bounds samples only while the default count is 0 (CTL-064).
            obj.insert("statistic-default-sample-count".into(), json!(0));
        }
    });
    Response::ok(format!("All statistics {} limit are set.", limit_word(key)))
}

fn limit_word(key: &str) -> &'static str {
    match key {
        "duration" => "duration",
        _ => "count",
    }
}

#[cfg(test)]
mod tests {
    use super::get_all;
    use ruru_control::{response_to_kea_bytes, Arguments, Response};
    use ruru_stats::{format_timestamp, now_micros, Registry, Sample};
    use serde_json::{json, Map, Value as Json};
    use std::sync::Arc;

    /// The arguments as the JSON tree path built them before CTL-068: `[[value, "timestamp"], …]`
    /// per statistic, newest first.
    fn tree(reg: &Registry) -> Json {
        let samples = |s: &[Sample]| {
            Json::Array(
                s.iter()
                    .map(|s| json!([s.value, format_timestamp(s.at_micros)]))
                    .collect(),
            )
        };
        let all: Map<String, Json> = reg
            .all_samples()
            .into_iter()
            .map(|(name, s)| (name, samples(&s)))
            .collect();
        Json::Object(all)
    }

    /// Waits until the coarse clock has moved on, so the next update opens a new sample.
    fn next_tick() {
        let t = now_micros();
        for _ in 0..1000 {
            if now_micros() != t {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        panic!("the clock does not move");
    }

    // CTL-058, CTL-066, CTL-068, CTL-009, V6-066: the pre-rendered answer is the same JSON value and
    // the same bytes on the socket as the tree it replaces: small, 64-bit, beyond-64-bit and negative
    // integers (Ruru's statistics are all integers; Kea's float, duration and string kinds have no
    // producer here), several samples, names needing escapes, a removed statistic left out.
    #[tokio::test]
    async fn ctl068_rendered_answer_equals_the_json_tree() {
        let reg = Arc::new(Registry::new());
        reg.counter("pkt4-received").add(3);
        reg.counter("subnet[1].total-nas").set_wide(1 << 64);
        reg.counter("subnet[2].total-nas").set_wide(-(1 << 70));
        reg.counter("big").set(i64::MAX);
        reg.counter("odd \"name\"\\\t\u{1}é").set(-1);
        reg.counter("removed").inc();
        assert!(reg.remove("removed"));
        let several = reg.counter("pkt4-sent");
        for _ in 0..4 {
            next_tick();
            several.inc();
        }
        let old = Response {
            result: 0,
            text: None,
            arguments: Some(Arguments::Value(tree(&reg))),
        };
        let new = get_all(reg.clone()).await;
        assert!(matches!(new.arguments, Some(Arguments::Text(_))));
        assert_eq!(new.to_json(), old.to_json());
        assert_eq!(
            String::from_utf8(response_to_kea_bytes(&new)).unwrap(),
            String::from_utf8(response_to_kea_bytes(&old)).unwrap()
        );
        assert_eq!(
            old.to_json()["arguments"]["pkt4-sent"]
                .as_array()
                .unwrap()
                .len(),
            4
        );
        let text = String::from_utf8(response_to_kea_bytes(&new)).unwrap();
        assert!(text.contains("[ [ 18446744073709551616, \""), "{text}");
    }
}
