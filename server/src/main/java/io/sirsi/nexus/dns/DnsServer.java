package io.sirsi.nexus.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sirsi.nexus.registry.Durations;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.spi.transport.Transport;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.ObserverMethod;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The registry's DNS server: UDP and TCP on one port, on the Vert.x event loops the HTTP server runs on, answering
 * the zone from the registry's index ({@link ZoneAnswers}). Started after the registry has opened its store;
 * {@code sirsi.dns.port=0} binds a free port (TCP first, then UDP on the same number, picking again when another
 * socket holds that) and logs it.
 */
@Singleton
public class DnsServer {

    private static final Logger LOG = Logger.getLogger(DnsServer.class);
    private static final int LENGTH_FIELD = 2;
    /** At most this many UDP sockets share the port, one per core up to it. */
    private static final int MAX_UDP_SOCKETS = 8;
    /** How often {@code sirsi.dns.port=0} picks a port before it gives up: each pick is the kernel's free one. */
    private static final int PICK_ATTEMPTS = 20;

    private final DnsConfig config;
    private final Vertx vertx;
    private final DnsDirectory directory;
    private final DnsClients clients;
    private final DnsObserver observer;
    private final List<Channel> channels = new ArrayList<>();
    /** The TCP connections open now; at {@link DnsConfig#maxTcpConnections()} new ones are closed at once. */
    private final AtomicInteger tcpConnections = new AtomicInteger();
    /** Those closed at once since the limit was last reached, 0 while it is not: logged when it is, and after. */
    private final AtomicInteger tcpTurnedAway = new AtomicInteger();
    private volatile OptionalInt port = OptionalInt.empty();

    DnsServer(DnsConfig config, Vertx vertx, RegistryDirectory directory, DnsClients clients, DnsObserver observer) {
        this.config = config;
        this.vertx = vertx;
        this.directory = directory;
        this.clients = clients;
        this.observer = observer;
    }

    /**
     * The settings, judged before the registry opens its store (priority + 100): a start refused for one of them has
     * not created or migrated a database. The ports are bound later, once the registry can answer.
     */
    void checkSettings(@Observes @Priority(ObserverMethod.DEFAULT_PRIORITY - 100) StartupEvent event) {
        if (config.enabled()) {
            zone();
            HostAddressBook.of(config.hostAddresses(), directory::reportedAddresses);
        }
    }

    /** After the registry has opened its store (priority + 100) and before the jobs resume (+ 200). */
    void onStart(@Observes @Priority(ObserverMethod.DEFAULT_PRIORITY + 150) StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        // port 0: the free TCP port the kernel picks may have its UDP twin taken; pick again rather than refuse
        int attempts = config.port() == 0 ? PICK_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                start();
                return;
            } catch (IllegalStateException taken) {
                closeChannels();
                if (attempt >= attempts) {
                    throw taken;
                }
                LOG.debugf("DNS: %s; picking another port", taken.getMessage());
            }
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        closeChannels();
    }

    private void closeChannels() {
        channels.forEach(channel -> channel.close().syncUninterruptibly());
        channels.clear();
    }

    /** The port the server listens on; empty while it is not listening. */
    public OptionalInt port() {
        return port;
    }

    private void start() {
        String zone = zone();
        long tcpTimeoutNanos = config.tcpTimeout().toNanos();
        HostAddressBook addresses = HostAddressBook.of(config.hostAddresses(), directory::reportedAddresses);
        QueryHandler handler = new QueryHandler(new ZoneAnswers(directory, addresses, zone,
                config.ttl().toSeconds()), clients, observer);
        VertxInternal internal = (VertxInternal) vertx;
        Transport transport = internal.transport();
        // TCP first: a listener is never shared, so port 0 gets a number no other server listens on
        Channel tcp = bound("TCP", config.port(), new ServerBootstrap()
                .group(internal.getAcceptorEventLoopGroup(), internal.getEventLoopGroup())
                .channelFactory(transport.serverChannelFactory(false))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (!admitted(channel)) {
                            return;
                        }
                        channel.pipeline().addLast(new LengthFieldBasedFrameDecoder(ReplyEncoder.MAX_TCP_SIZE, 0,
                                        LENGTH_FIELD, 0, LENGTH_FIELD), new MessageDeadline(tcpTimeoutNanos),
                                new LengthFieldPrepender(LENGTH_FIELD), new TcpHandler(handler));
                    }
                })
                .bind(config.host(), config.port()).awaitUninterruptibly());
        int bound = ((InetSocketAddress) tcp.localAddress()).getPort();
        if (config.port() == 0 && httpPorts().contains(bound)) {
            // the HTTP server binds after us: a free port picked now may be the one it is configured to take
            throw refusal("TCP", bound, new IOException("the port this registry's HTTP server is to listen on"));
        }
        requireUdpUnheld(bound);
        Bootstrap datagrams = new Bootstrap().group(internal.getEventLoopGroup())
                .channelFactory(transport::datagramChannel)
                .option(vertx.isNativeTransportEnabled() ? UnixChannelOption.SO_REUSEPORT
                        : NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true)
                .handler(new UdpHandler(handler));
        bound("UDP", bound, datagrams.bind(config.host(), bound).awaitUninterruptibly());
        int sockets = 1;
        while (sockets < Math.min(MAX_UDP_SOCKETS, Runtime.getRuntime().availableProcessors())
                && moreDatagrams(datagrams, bound)) {
            sockets++;
        }
        port = OptionalInt.of(bound);
        LOG.infof("DNS: answering zone %s on %s:%d (UDP and TCP)", zone, config.host(), bound);
        LOG.debugf("DNS: %d UDP sockets on the port", sockets);
    }

    /**
     * Whether a new TCP connection may stay: at most {@link DnsConfig#maxTcpConnections()} are open at once, so that
     * clients cannot take every socket of the process. One beyond is closed at once; the first of a run of them is
     * logged, and how many there were once a connection closes and new ones are kept again.
     */
    private boolean admitted(Channel channel) {
        if (tcpConnections.incrementAndGet() > config.maxTcpConnections()) {
            tcpConnections.decrementAndGet();
            if (tcpTurnedAway.getAndIncrement() == 0) {
                LOG.warnf("DNS: %d TCP connections are open, the most sirsi.dns.max-tcp-connections allows; closing"
                        + " new ones (the first from %s) until one closes", config.maxTcpConnections(),
                        channel.remoteAddress());
            }
            channel.close();
            return false;
        }
        channel.closeFuture().addListener(closed -> {
            tcpConnections.decrementAndGet();
            int turnedAway = tcpTurnedAway.getAndSet(0);
            if (turnedAway > 0) {
                LOG.infof("DNS: below sirsi.dns.max-tcp-connections again; %d TCP connections were closed at once",
                        turnedAway);
            }
        });
        return true;
    }

    /** The ports the HTTP server is configured to bind, which a picked DNS port must leave to it. */
    private static Set<Integer> httpPorts() {
        Config settings = ConfigProvider.getConfig();
        Set<Integer> ports = new HashSet<>();
        settings.getOptionalValue("quarkus.http.port", Integer.class).ifPresent(ports::add);
        settings.getOptionalValue("quarkus.http.ssl-port", Integer.class).ifPresent(ports::add);
        return ports;
    }

    /**
     * Refuses a UDP port that another socket holds. Our sockets share the port among themselves (SO_REUSEPORT), and
     * Linux lets such a socket join any other socket of the same user that set it too, without a word: the two would
     * split the queries between them, and clients would get another server's answers half the time. A socket without
     * the option cannot join, so it asks first; the moment between its close and our bind is the only gap left.
     */
    private void requireUdpUnheld(int port) {
        InetSocketAddress address = new InetSocketAddress(config.host(), port);
        ProtocolFamily family = address.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET;
        try (DatagramChannel probe = DatagramChannel.open(family)) {
            probe.bind(address);
        } catch (IOException held) {
            throw refusal("UDP", port, held);
        }
    }

    /**
     * One more datagram socket on the port, on the next event loop: one socket is read by one thread, so queries
     * spread over the cores only through several (SO_REUSEPORT; the kernel hashes each client to one of them).
     * Where the platform will not share the port, one socket serves alone.
     */
    private boolean moreDatagrams(Bootstrap datagrams, int port) {
        ChannelFuture another = datagrams.bind(config.host(), port).awaitUninterruptibly();
        if (another.isSuccess()) {
            channels.add(another.channel());
        }
        return another.isSuccess();
    }

    /** The bound channel, or a refusal to start that says which port could not be had and what to do. */
    private Channel bound(String protocol, int wanted, ChannelFuture binding) {
        if (!binding.isSuccess()) {
            throw refusal(protocol, wanted, binding.cause());
        }
        channels.add(binding.channel());
        return binding.channel();
    }

    private IllegalStateException refusal(String protocol, int wanted, Throwable cause) {
        return new IllegalStateException("sirsi.dns.port: cannot listen on " + config.host() + ":" + wanted + " ("
                + protocol + "): " + cause.getMessage() + "; set sirsi.dns.port to a free port (0 picks one), or"
                + " sirsi.dns.enabled=false", cause);
    }

    /** The zone, once the settings the configuration layer cannot judge are found usable. */
    private String zone() {
        String zone = zone(config.domain());
        if (config.tcpTimeout().toNanos() <= 0) {
            throw new IllegalArgumentException("sirsi.dns.tcp-timeout must be more than 0s, got "
                    + Durations.written(config.tcpTimeout()));
        }
        if (config.maxTcpConnections() < 1) {
            throw new IllegalArgumentException("sirsi.dns.max-tcp-connections must be at least 1, got "
                    + config.maxTcpConnections());
        }
        if (config.ttl().isNegative()) {
            throw new IllegalArgumentException("sirsi.dns.ttl must be 0s or more, got "
                    + Durations.written(config.ttl()));
        }
        return zone;
    }

    /**
     * The zone as the setting gives it, lower-cased, ending in a dot.
     *
     * @throws IllegalArgumentException for a name that is not a domain name below the root
     */
    static String zone(String domain) {
        String zone = domain.toLowerCase(Locale.ROOT);
        zone = zone.endsWith(".") ? zone : zone + ".";
        if (zone.equals(".") || zone.length() > 200 || !zone.matches("([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.)+")) {
            throw new IllegalArgumentException("sirsi.dns.domain: '" + domain + "' is not a domain name below the"
                    + " root (write e.g. sirsi. or sirsi.example.com.)");
        }
        return zone;
    }

    /** One datagram, one query. */
    @ChannelHandler.Sharable
    static final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {

        private final QueryHandler handler;

        UdpHandler(QueryHandler handler) {
            this.handler = handler;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, DatagramPacket packet) {
            InetSocketAddress sender = packet.sender();
            handler.handle(context, packet.content(), sender, false,
                    reply -> context.writeAndFlush(new DatagramPacket(reply, sender)));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            handler.failed(cause); // the datagram socket stays open for the next query
        }
    }

    /**
     * RFC 7766 6.2.3 and a bound on slow senders: each whole message must arrive within the timeout of the
     * connection's opening or of the message before it, else the connection is closed. An idle timeout alone would
     * let a client that sends a byte every few seconds hold its socket for ever. Sits after the frame decoder, so it
     * sees whole messages only.
     */
    private static final class MessageDeadline extends ChannelInboundHandlerAdapter {

        private final long timeoutNanos;
        private ScheduledFuture<?> deadline;

        MessageDeadline(long timeoutNanos) {
            this.timeoutNanos = timeoutNanos;
        }

        @Override
        public void channelActive(ChannelHandlerContext context) {
            restart(context);
            context.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            restart(context);
            context.fireChannelRead(message);
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            cancel();
            context.fireChannelInactive();
        }

        private void restart(ChannelHandlerContext context) {
            cancel();
            deadline = context.executor().schedule(() -> {
                LOG.debugf("DNS: closing the TCP connection from %s: no whole message within %d ms",
                        context.channel().remoteAddress(), TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
                context.close();
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }

        private void cancel() {
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
    }

    /** One length-prefixed message at a time on a connection (RFC 7766), several per connection. */
    private static final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {

        private final QueryHandler handler;

        TcpHandler(QueryHandler handler) {
            this.handler = handler;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, ByteBuf message) {
            handler.handle(context, message, (InetSocketAddress) context.channel().remoteAddress(), true,
                    reply -> context.writeAndFlush(reply));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            if (!(cause instanceof IOException) && !(cause instanceof io.netty.handler.codec.TooLongFrameException)) {
                handler.failed(cause);
            }
            context.close(); // a peer that reset or sent more than a message can hold
        }
    }
}
