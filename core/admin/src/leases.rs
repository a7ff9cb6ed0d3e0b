//! `lease-dump` and `lease-upload`, for any lease store: leases are copied page by page between
//! the store and a memfile CSV file (Kea's layout, with header), which the memfile store itself
//! writes and reads.

use std::path::Path;

use ruru_lease::{LeaseStore4, LeaseStore6, Memfile4, Memfile6, MemfileOptions, StoreError};

/// Leases read per round trip.
const PAGE: usize = 1000;

/// Writes every lease of `src` to a new memfile CSV file `out`; returns how many.
pub(crate) async fn dump4<S: LeaseStore4>(src: &S, out: &Path) -> Result<usize, StoreError> {
    let (file, _) = Memfile4::open(MemfileOptions::persistent(out))?;
    let copied = copy4(src, &file).await?;
    file.flush().await?;
    Ok(copied)
}

/// Adds every lease of memfile CSV file `input` to `dst` (replacing a lease of the same address);
/// returns how many.
pub(crate) async fn upload4<S: LeaseStore4>(dst: &S, input: &Path) -> Result<usize, StoreError> {
    let (file, _) = Memfile4::open(MemfileOptions::persistent(input))?;
    let copied = copy4(&file, dst).await?;
    dst.flush().await?;
    Ok(copied)
}

/// The IPv6 twin of [`dump4`].
pub(crate) async fn dump6<S: LeaseStore6>(src: &S, out: &Path) -> Result<usize, StoreError> {
    let (file, _) = Memfile6::open(MemfileOptions::persistent(out))?;
    let copied = copy6(src, &file).await?;
    file.flush().await?;
    Ok(copied)
}

/// The IPv6 twin of [`upload4`].
pub(crate) async fn upload6<S: LeaseStore6>(dst: &S, input: &Path) -> Result<usize, StoreError> {
    let (file, _) = Memfile6::open(MemfileOptions::persistent(input))?;
    let copied = copy6(&file, dst).await?;
    dst.flush().await?;
    Ok(copied)
}

async fn copy4<A: LeaseStore4, B: LeaseStore4>(from: &A, to: &B) -> Result<usize, StoreError> {
    let mut after = None;
    let mut copied = 0;
    loop {
        let page = from.page4(after, PAGE).await?;
        for lease in &page {
            // A lease already at the address is replaced as read just now.
            if !to.add4(lease).await? {
                if let Some(current) = to.get4(lease.address).await? {
                    to.update4(lease, &current).await?;
                }
            }
        }
        copied += page.len();
        match page.last() {
            Some(last) if page.len() == PAGE => after = Some(last.address),
            _ => return Ok(copied),
        }
    }
}

async fn copy6<A: LeaseStore6, B: LeaseStore6>(from: &A, to: &B) -> Result<usize, StoreError> {
    let mut after = None;
    let mut copied = 0;
    loop {
        let page = from.page6(after, PAGE).await?;
        for lease in &page {
            if !to.add6(lease).await? {
                if let Some(current) = to.get6(lease.lease_type, lease.address).await? {
                    to.update6(lease, &current).await?;
                }
            }
        }
        copied += page.len();
        match page.last() {
            Some(last) if page.len() == PAGE => after = Some(last.address),
            _ => return Ok(copied),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruru_lease::{Duid, HwAddr, Lease4, Lease6, LeaseType};
    use std::net::{Ipv4Addr, Ipv6Addr};

    /// A scratch directory removed when dropped.
    struct TempDir(std::path::PathBuf);

    impl TempDir {
        fn new(tag: &str) -> Self {
            let p = std::env::temp_dir().join(format!("ruru-admin-{tag}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&p);
            std::fs::create_dir_all(&p).unwrap();
            Self(p)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn memory4() -> Memfile4 {
        Memfile4::open(MemfileOptions::in_memory()).unwrap().0
    }

    fn memory6() -> Memfile6 {
        Memfile6::open(MemfileOptions::in_memory()).unwrap().0
    }

    async fn all4<S: LeaseStore4>(s: &S) -> Vec<Lease4> {
        s.page4(None, 0).await.unwrap()
    }

    async fn all6<S: LeaseStore6>(s: &S) -> Vec<Lease6> {
        s.page6(None, 0).await.unwrap()
    }

    // CTL-098: -4 dump writes a memfile CSV with header that loads back identical, across more
    // than one page; upload of that file recreates the same leases.
    #[tokio::test]
    async fn ctl098_dump4_upload4_round_trip() {
        let dir = TempDir::new("d4");
        let src = memory4();
        for i in 0..(PAGE as u32 + 5) {
            let mut l = Lease4::new(
                Ipv4Addr::from(0xc000_0200 + i),
                1 + i % 3,
                3600,
                1_700_000_000,
            );
            l.hwaddr = Some(HwAddr::new(1, &i.to_be_bytes()));
            l.hostname = format!("host{i}.example.org");
            assert!(src.add4(&l).await.unwrap());
        }
        let out = dir.0.join("leases4.csv");
        assert_eq!(dump4(&src, &out).await.unwrap(), PAGE + 5);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.starts_with("address,hwaddr,client_id,"),
            "{}",
            &text[..80]
        );

        let dst = memory4();
        assert_eq!(upload4(&dst, &out).await.unwrap(), PAGE + 5);
        assert_eq!(all4(&dst).await, all4(&src).await);
    }

    // CTL-098: -6 dump and upload, addresses and prefixes.
    #[tokio::test]
    async fn ctl098_dump6_upload6_round_trip() {
        let dir = TempDir::new("d6");
        let src = memory6();
        for i in 0..20u128 {
            let addr = Ipv6Addr::from((0x2001_0db8_u128 << 96) | (i << 64));
            let mut l = Lease6::new(
                addr,
                Duid::new(&[0, 1, i as u8]),
                i as u32,
                1,
                3600,
                1_700_000_000,
            );
            if i % 2 == 1 {
                l.lease_type = LeaseType::Pd;
                l.prefix_len = 64;
            }
            assert!(src.add6(&l).await.unwrap());
        }
        let out = dir.0.join("leases6.csv");
        assert_eq!(dump6(&src, &out).await.unwrap(), 20);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.starts_with("address,duid,"), "{}", &text[..60]);
        let dst = memory6();
        assert_eq!(upload6(&dst, &out).await.unwrap(), 20);
        assert_eq!(all6(&dst).await, all6(&src).await);
    }
}
