package io.sirsi.nexus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One machine is one host, however its address is written: a required port is granted once on it, and every other
 * spelling of its address finds that allocation. IPv4 written other than in dotted decimal is refused, naming the
 * form to use, so that it cannot slip in as a host of its own.
 */
@QuarkusTest
class HostNamesTest {

    @BeforeEach
    void emptyRegistry() {
        Registry.releaseAll();
    }

    private static String requiring8095(String name, String host) {
        return "{\"service_name\":\"" + name + "\",\"service_type\":\"rest-api\",\"host\":\"" + host
                + "\",\"preferred_port\":8095,\"required\":true}";
    }

    @Test
    void aRequiredPortIsGrantedOnceOnEverySpellingOfAnIpv6Address() {
        Registry.allocate(requiring8095("svc-0", "::1")).statusCode(200).body("allocation.host", equalTo("::1"));
        List<String> spellings = List.of("0:0:0:0:0:0:0:1", "0::1", "::0001", "0000:0000::1");
        for (int i = 0; i < spellings.size(); i++) {
            Registry.allocate(requiring8095("svc-" + (i + 1), spellings.get(i))).statusCode(409);
        }
        given().get("/ports/allocations?host=0:0::1").then().statusCode(200).body("$", hasSize(1))
                .body("host", equalTo(List.of("::1")));
    }

    @Test
    void anIpv4MappedAddressIsItsIpv4Address() {
        Registry.allocate(requiring8095("mapped", "::ffff:127.0.0.1")).statusCode(200)
                .body("allocation.host", equalTo("127.0.0.1"));
        Registry.allocate(requiring8095("other", "::ffff:7f00:1")).statusCode(409);
        Registry.allocate(requiring8095("plain", "127.0.0.1")).statusCode(409);
    }

    @Test
    void ipv4SpelledOtherThanDottedDecimalIsRefusedNamingTheForm() {
        String before = Registry.overview();
        for (String spelling : List.of("127.000.000.001", "127.1", "2130706433", "0x7f.0.0.1")) {
            Registry.allocate(requiring8095("spelt", spelling)).statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", equalTo("invalid host '" + spelling + "': an IPv4 address is written as four"
                            + " decimal numbers 0-255 without leading zeros; write 127.0.0.1"));
            given().get("/ports/allocations?host=" + spelling).then().statusCode(400);
        }
        given().get("/ports/hosts").then().statusCode(200).body("size()", equalTo(1));
        assertEquals(before, Registry.overview());
    }
}
