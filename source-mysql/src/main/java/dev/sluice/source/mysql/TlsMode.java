package dev.sluice.source.mysql;

/** Whether and how the connections of a {@link MySqlSource} use TLS. */
public enum TlsMode {
    /** No TLS (the default): for servers on a trusted network only. */
    DISABLED,
    /** TLS, and the server's certificate must chain to a trusted certificate; its host name is not checked. */
    VERIFY_CA,
    /** TLS, the server's certificate must chain to a trusted certificate and name the host connected to. */
    VERIFY_IDENTITY
}
