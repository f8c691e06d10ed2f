//! `ToSocketAddrs`: whatever names one or more socket addresses; and `lookup_host`.
//!
//! Socket addresses and IP literals convert on the spot, with no allocation for a single address.
//! A host name goes to the operating system's resolver (`getaddrinfo`), which blocks: it runs on
//! the runtime's blocking pool, so that a slow DNS server stalls no worker.

use crate::util::error;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// Converts or resolves, without blocking the calling task's thread, to one or more
/// [`SocketAddr`]s.
///
/// eddy's networking functions take any of these: a `SocketAddr` (or its V4/V6 forms), an
/// `(IpAddr, u16)` pair (or its V4/V6 forms), a slice of `SocketAddr`s, a `"host:port"` string,
/// or a `(host, port)` pair whose host is a `&str` or `String`. A host that is not an IP literal
/// is resolved on the blocking pool. To resolve a name yourself, call [`lookup_host`].
///
/// The trait is sealed: its methods are eddy's business and may change.
///
/// ```
/// use eddy::net::TcpListener;
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let by_string = TcpListener::bind("127.0.0.1:0").await?;
/// let by_pair = TcpListener::bind(("127.0.0.1", 0)).await?;
/// let by_addr = TcpListener::bind(by_string.local_addr()?).await;
/// assert!(by_addr.is_err(), "the port is taken");
/// # drop(by_pair);
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub trait ToSocketAddrs: sealed::ToSocketAddrsPriv {}

/// Resolves `host` (anything [`ToSocketAddrs`] takes) to its socket addresses.
///
/// A name that is not an IP literal goes to the operating system's resolver, on the runtime's
/// blocking pool.
///
/// ```
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let mut addrs = eddy::net::lookup_host("127.0.0.1:8080").await?;
/// assert_eq!(addrs.next(), Some("127.0.0.1:8080".parse().unwrap()));
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// # Panics
/// Panics outside a runtime when the name needs the resolver.
pub async fn lookup_host<T: ToSocketAddrs>(
    host: T,
) -> io::Result<impl Iterator<Item = SocketAddr>> {
    resolve(host).await
}

/// Resolves `addr`: at once for addresses and IP literals, on the blocking pool for host names.
pub(crate) async fn resolve<A: ToSocketAddrs>(addr: A) -> io::Result<Addrs> {
    match sealed::ToSocketAddrsPriv::to_addrs(&addr) {
        sealed::Resolve::Ready(addrs) => Ok(addrs),
        sealed::Resolve::Lookup(query) => crate::task::spawn_blocking(move || query.run()).await?,
    }
}

/// Tries `f` on each address `addr` names, in order, until one succeeds; otherwise returns the
/// last error (or an `InvalidInput` error if there was no address at all).
pub(crate) async fn each_addr<A, T, F, Fut>(addr: A, mut f: F) -> io::Result<T>
where
    A: ToSocketAddrs,
    F: FnMut(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<T>>,
{
    let mut last_err = None;
    for addr in resolve(addr).await? {
        match f(addr).await {
            Ok(value) => return Ok(value),
            Err(err) => last_err = Some(err),
        }
    }
    Err(last_err.unwrap_or_else(|| error::io_invalid_input(error::NO_ADDRESSES)))
}

pub(crate) mod sealed {
    //! The trait's real method, out of users' reach.
    // Sealed: public items in a module nobody outside the crate can name.
    #![allow(unreachable_pub)]

    use std::io;
    use std::net::{SocketAddr, ToSocketAddrs as _};

    /// The addresses one `ToSocketAddrs` value names.
    #[derive(Debug)]
    pub struct Addrs(AddrsInner);

    #[derive(Debug)]
    enum AddrsInner {
        /// The common case (an address or a literal): no allocation.
        One(Option<SocketAddr>),
        Many(std::vec::IntoIter<SocketAddr>),
    }

    impl Addrs {
        pub(crate) fn one(addr: SocketAddr) -> Addrs {
            Addrs(AddrsInner::One(Some(addr)))
        }

        pub(crate) fn many(addrs: Vec<SocketAddr>) -> Addrs {
            Addrs(AddrsInner::Many(addrs.into_iter()))
        }
    }

    impl Iterator for Addrs {
        type Item = SocketAddr;

        fn next(&mut self) -> Option<SocketAddr> {
            match &mut self.0 {
                AddrsInner::One(addr) => addr.take(),
                AddrsInner::Many(addrs) => addrs.next(),
            }
        }

        fn size_hint(&self) -> (usize, Option<usize>) {
            match &self.0 {
                AddrsInner::One(addr) => {
                    let n = usize::from(addr.is_some());
                    (n, Some(n))
                }
                AddrsInner::Many(addrs) => addrs.size_hint(),
            }
        }
    }

    /// What a `ToSocketAddrs` value needs to become addresses.
    #[derive(Debug)]
    pub enum Resolve {
        Ready(Addrs),
        /// A host name: the resolver must be asked, off the task's thread.
        Lookup(Query),
    }

    /// A host name to resolve, owned so that it can move to the blocking pool.
    #[derive(Debug)]
    pub enum Query {
        /// `"host:port"`.
        HostPort(String),
        Host(String, u16),
    }

    impl Query {
        /// Asks the operating system's resolver; blocks.
        pub(crate) fn run(self) -> io::Result<Addrs> {
            let addrs: Vec<SocketAddr> = match self {
                Query::HostPort(host_port) => host_port.to_socket_addrs()?.collect(),
                Query::Host(host, port) => (host.as_str(), port).to_socket_addrs()?.collect(),
            };
            Ok(Addrs::many(addrs))
        }
    }

    pub trait ToSocketAddrsPriv {
        fn to_addrs(&self) -> Resolve;
    }
}

pub(crate) use sealed::Addrs;
use sealed::{Query, Resolve, ToSocketAddrsPriv};

macro_rules! ready_addr {
    ($($ty:ty => |$this:ident| $addr:expr;)*) => {$(
        impl ToSocketAddrs for $ty {}

        impl ToSocketAddrsPriv for $ty {
            fn to_addrs(&self) -> Resolve {
                let $this = self;
                Resolve::Ready(Addrs::one($addr))
            }
        }
    )*};
}

ready_addr! {
    SocketAddr => |addr| *addr;
    SocketAddrV4 => |addr| SocketAddr::V4(*addr);
    SocketAddrV6 => |addr| SocketAddr::V6(*addr);
    (IpAddr, u16) => |pair| SocketAddr::new(pair.0, pair.1);
    (Ipv4Addr, u16) => |pair| SocketAddr::new(IpAddr::V4(pair.0), pair.1);
    (Ipv6Addr, u16) => |pair| SocketAddr::new(IpAddr::V6(pair.0), pair.1);
}

impl ToSocketAddrs for &[SocketAddr] {}

impl ToSocketAddrsPriv for &[SocketAddr] {
    fn to_addrs(&self) -> Resolve {
        Resolve::Ready(match self {
            [one] => Addrs::one(*one),
            many => Addrs::many(many.to_vec()),
        })
    }
}

impl ToSocketAddrs for str {}

impl ToSocketAddrsPriv for str {
    fn to_addrs(&self) -> Resolve {
        match self.parse::<SocketAddr>() {
            Ok(addr) => Resolve::Ready(Addrs::one(addr)),
            Err(_) => Resolve::Lookup(Query::HostPort(self.to_owned())),
        }
    }
}

impl ToSocketAddrs for String {}

impl ToSocketAddrsPriv for String {
    fn to_addrs(&self) -> Resolve {
        self.as_str().to_addrs()
    }
}

impl ToSocketAddrs for (&str, u16) {}

impl ToSocketAddrsPriv for (&str, u16) {
    fn to_addrs(&self) -> Resolve {
        let (host, port) = *self;
        match host.parse::<IpAddr>() {
            Ok(ip) => Resolve::Ready(Addrs::one(SocketAddr::new(ip, port))),
            Err(_) => Resolve::Lookup(Query::Host(host.to_owned(), port)),
        }
    }
}

impl ToSocketAddrs for (String, u16) {}

impl ToSocketAddrsPriv for (String, u16) {
    fn to_addrs(&self) -> Resolve {
        (self.0.as_str(), self.1).to_addrs()
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrsPriv for &T {
    fn to_addrs(&self) -> Resolve {
        (**self).to_addrs()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn ready(addr: impl ToSocketAddrs) -> Vec<SocketAddr> {
        match addr.to_addrs() {
            Resolve::Ready(addrs) => addrs.collect(),
            Resolve::Lookup(query) => panic!("needed the resolver: {query:?}"),
        }
    }

    #[test]
    fn literals_need_no_resolver() {
        let v4: SocketAddr = "127.0.0.1:80".parse().unwrap();
        let v6: SocketAddr = "[::1]:80".parse().unwrap();
        assert_eq!(ready("127.0.0.1:80"), [v4]);
        assert_eq!(ready(String::from("[::1]:80")), [v6]);
        assert_eq!(ready(("127.0.0.1", 80)), [v4]);
        assert_eq!(ready(("::1".to_string(), 80)), [v6]);
        assert_eq!(ready((Ipv4Addr::LOCALHOST, 80)), [v4]);
        assert_eq!(ready((Ipv6Addr::LOCALHOST, 80)), [v6]);
        assert_eq!(ready((IpAddr::V4(Ipv4Addr::LOCALHOST), 80)), [v4]);
        assert_eq!(ready(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 80)), [v4]);
        assert_eq!(
            ready(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 80, 0, 0)),
            [v6]
        );
        assert_eq!(ready(&[v4, v6][..]), [v4, v6]);
        let by_ref: &SocketAddr = &v4;
        assert_eq!(ready(by_ref), [v4]);
    }

    #[test]
    fn names_go_to_the_resolver() {
        assert!(matches!(
            "localhost:80".to_addrs(),
            Resolve::Lookup(Query::HostPort(_))
        ));
        assert!(matches!(
            ("localhost", 80).to_addrs(),
            Resolve::Lookup(Query::Host(_, 80))
        ));
    }
}
