//! `classless-static-route` (option 121, RFC 3442): text `"10.229.0.128/25 - 10.229.0.1, ..."`.

use super::csv;
use crate::defs::{DataType, ValueError};
use std::net::Ipv4Addr;

fn bad(value: &str, reason: &str) -> ValueError {
    ValueError::BadField {
        ty: DataType::Internal,
        value: value.to_owned(),
        reason: format!("classless static route: {reason}"),
    }
}

/// Encodes `prefix/len - router` routes, comma separated, as RFC 3442 destination descriptors
/// (width, significant octets of the destination) each followed by the router (V4-110).
pub(super) fn encode(text: &str) -> Result<Vec<u8>, ValueError> {
    let routes = csv::split(text, ',');
    if routes.is_empty() {
        return Err(bad(text, "at least one route is needed"));
    }
    let mut out = Vec::with_capacity(routes.len() * 9);
    for route in &routes {
        let (dest, router) = route
            .split_once('-')
            .ok_or_else(|| bad(route, "expected 'prefix/len - router'"))?;
        let (prefix, len) = dest
            .trim()
            .split_once('/')
            .ok_or_else(|| bad(route, "the destination needs a /length"))?;
        let prefix: Ipv4Addr = prefix
            .trim()
            .parse()
            .map_err(|_| bad(route, "the destination is not an IPv4 address"))?;
        let len: u8 = len
            .trim()
            .parse()
            .ok()
            .filter(|l| *l <= 32)
            .ok_or_else(|| bad(route, "the prefix length must be 0..32"))?;
        let router: Ipv4Addr = router
            .trim()
            .parse()
            .map_err(|_| bad(route, "the router is not an IPv4 address"))?;
        out.push(len);
        out.extend_from_slice(&prefix.octets()[..usize::from(len).div_ceil(8)]);
        out.extend_from_slice(&router.octets());
    }
    Ok(out)
}

/// Decodes RFC 3442 routes back to the text form.
pub(super) fn decode(bytes: &[u8]) -> Result<String, String> {
    let mut routes = Vec::new();
    let mut rest = bytes;
    while let Some((&len, tail)) = rest.split_first() {
        if len > 32 {
            return Err(format!("route prefix length {len} is over 32"));
        }
        let used = usize::from(len).div_ceil(8);
        let (dest, tail) = tail
            .split_at_checked(used)
            .ok_or("route destination runs past the end")?;
        let (router, tail) = tail
            .split_at_checked(4)
            .ok_or("route router address runs past the end")?;
        let mut prefix = [0; 4];
        prefix[..used].copy_from_slice(dest);
        let mut gw = [0; 4];
        gw.copy_from_slice(router);
        routes.push(format!(
            "{}/{len} - {}",
            Ipv4Addr::from(prefix),
            Ipv4Addr::from(gw)
        ));
        rest = tail;
    }
    Ok(routes.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    // V4-110
    #[test]
    fn spec_example() {
        let wire = encode("10.229.0.128/25 - 10.229.0.1").unwrap();
        assert_eq!(wire, [0x19, 0x0a, 0xe5, 0x00, 0x80, 0x0a, 0xe5, 0x00, 0x01]);
    }

    #[test]
    fn several_routes_round_trip() {
        let text =
            "10.229.0.128/25 - 10.229.0.1, 0.0.0.0/0 - 10.0.0.1, 10.27.129.0/24 - 10.229.0.2";
        let wire = encode(text).unwrap();
        assert_eq!(&wire[9..14], [0, 10, 0, 0, 1]);
        assert_eq!(decode(&wire).unwrap(), text);
    }

    #[test]
    fn malformed_routes() {
        for text in [
            "",
            "10.0.0.0/8",
            "10.0.0.0 - 10.0.0.1",
            "10.0.0.0/33 - 1.1.1.1",
            "x/8 - 1.1.1.1",
        ] {
            assert!(encode(text).is_err(), "{text}");
        }
        assert!(decode(&[24, 10, 0]).is_err());
        assert!(decode(&[40]).is_err());
    }
}
