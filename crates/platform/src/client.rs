//! Who is on the other end of a request: the socket peer, or, when that peer
//! is a reverse proxy the operator trusts (`SANAD_TRUSTED_PROXIES`), the
//! client the proxy names in `X-Forwarded-For` or `Forwarded`.
//!
//! Headers from an untrusted peer are ignored: anyone can write them, and
//! believing them would let a client reset its own address limits.

use ipnet::IpNet;
use std::net::IpAddr;

/// The resolved address of the client, put in each request's extensions by
/// the outermost middleware for the throttles and the metrics allow-list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The networks whose requests may name the client they forward for.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// From a list of networks.
    pub fn new(nets: Vec<IpNet>) -> Self {
        Self(nets)
    }

    /// Parses a comma- or space-separated list of CIDRs or single addresses.
    pub fn parse(list: &str) -> Result<Self, String> {
        parse_networks(list).map(Self)
    }

    /// Whether no proxy is trusted (the default).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(&canonical(ip)))
    }

    /// The client's address: walks the forwarded chain from the nearest hop
    /// outwards and stops at the first address that is not a trusted proxy.
    /// `x_forwarded_for` and `forwarded` are every value of those headers, in order.
    pub fn client(&self, peer: IpAddr, x_forwarded_for: &[&str], forwarded: &[&str]) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        // `Forwarded` (RFC 7239) when present, else `X-Forwarded-For`; both list hops left to right.
        let mut hops: Vec<IpAddr> = forwarded.iter().flat_map(|v| v.split(',')).filter_map(forwarded_for).collect();
        if hops.is_empty() {
            hops = x_forwarded_for.iter().flat_map(|v| v.split(',')).filter_map(|s| parse_ip(s.trim())).collect();
        }
        let mut client = peer;
        for hop in hops.into_iter().rev() {
            client = canonical(hop);
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// Parses a comma- or space-separated list of CIDRs or single addresses.
pub fn parse_networks(list: &str) -> Result<Vec<IpNet>, String> {
    list.split([',', ' ', '\n', '\t'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{s} is not an address or a network such as 10.0.0.0/8"))
        })
        .collect()
}

/// Whether `ip` lies in one of `nets`.
pub fn in_networks(nets: &[IpNet], ip: IpAddr) -> bool {
    nets.iter().any(|n| n.contains(&canonical(ip)))
}

/// IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) compare as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// The `for=` of one `Forwarded` element.
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("for") {
            return None;
        }
        parse_ip(v.trim().trim_matches('"'))
    })
}

/// An address as proxies write it: `1.2.3.4`, `1.2.3.4:567`, `[::1]`, `[::1]:567` or `::1`.
fn parse_ip(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    s.rsplit_once(':').and_then(|(ip, port)| port.parse::<u16>().ok().and(ip.parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn untrusted_peers_are_taken_at_their_word_only() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("192.0.2.1"), &["198.51.100.7"], &[]), ip("192.0.2.1"));
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(proxies.client(ip("192.0.2.1"), &["198.51.100.7"], &[]), ip("192.0.2.1"));
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let proxies = TrustedProxies::parse("127.0.0.1/32, 10.0.0.0/8").unwrap();
        assert_eq!(proxies.client(ip("127.0.0.1"), &["198.51.100.7"], &[]), ip("198.51.100.7"));
        // A client cannot hide behind a forged first hop: the nearest untrusted hop wins.
        assert_eq!(proxies.client(ip("127.0.0.1"), &["1.1.1.1, 198.51.100.7, 10.1.2.3"], &[]), ip("198.51.100.7"));
        assert_eq!(proxies.client(ip("127.0.0.1"), &["1.1.1.1", "198.51.100.8"], &[]), ip("198.51.100.8"));
        assert_eq!(proxies.client(ip("127.0.0.1"), &[], &["for=\"[2001:db8::1]:4711\";proto=https"]), ip("2001:db8::1"));
        assert_eq!(proxies.client(ip("127.0.0.1"), &["garbage"], &[]), ip("127.0.0.1"));
        assert_eq!(proxies.client(ip("::ffff:127.0.0.1"), &["203.0.113.9:80"], &[]), ip("203.0.113.9"));
    }

    #[test]
    fn lists_are_checked() {
        assert!(TrustedProxies::parse("10.0.0.0/8 ::1").is_ok());
        assert!(TrustedProxies::parse("nginx").unwrap_err().contains("nginx"));
        assert!(TrustedProxies::parse("").unwrap().is_empty());
    }
}
