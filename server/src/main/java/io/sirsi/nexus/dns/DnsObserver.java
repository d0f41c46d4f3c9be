package io.sirsi.nexus.dns;

/** What the DNS server reports, for meters ({@code observe/}); the server knows nothing of how they are kept. */
public interface DnsObserver {

    /**
     * A query answered, by its type ({@code A}, {@code SRV}, ..., {@code OTHER} for one the zone never holds,
     * {@code NONE} when it had no readable question) and the response code ({@code NoError}, {@code NXDomain}, ...).
     */
    void answered(String queryType, String responseCode);

    /** A failure the server did not expect while answering: a defect, logged too. */
    void failed();

    /** An observer that keeps nothing. */
    DnsObserver NONE = new DnsObserver() {
        @Override
        public void answered(String queryType, String responseCode) {
        }

        @Override
        public void failed() {
        }
    };
}
