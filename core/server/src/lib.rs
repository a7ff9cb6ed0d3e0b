//! Ruru's server processes: configuration loading, sockets, the packet service, timers and signals.
