package market.resale.support.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import market.resale.support.SupportMother;
import org.junit.jupiter.api.Test;

class FileCheckTest {

    private static final FileCheck CHECK = new FileCheck(1024, List.of("image/png", "image/jpeg", "application/pdf", "text/plain"));

    @Test
    void aScreenshotIsAcceptedWithItsSha256() {
        assertThat(CHECK.check("image/png", SupportMother.PNG)).isEqualTo(new FileCheck.Accepted("image/png",
                SupportMother.PNG.length, FileCheck.sha256(SupportMother.PNG)));
        assertThat(FileCheck.sha256("abc".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void parametersAndCaseOfTheDeclaredTypeDoNotMatter() {
        assertThat(CHECK.check("Text/Plain; charset=UTF-8", "Seller said: no".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(FileCheck.Accepted.class).extracting("contentType").isEqualTo("text/plain");
    }

    @Test
    void aFileOverTheLimitIsTooLarge() {
        var result = CHECK.check("image/png", Arrays.copyOf(SupportMother.PNG, 1025));

        assertThat(result).isEqualTo(new FileCheck.Refused(Refusal.FILE_TOO_LARGE,
                "The file has 1025 bytes; at most 1024 bytes are accepted"));
        assertThat(CHECK.tooLarge(1024)).isNull();
    }

    @Test
    void aTypeOutsideTheAllowListIsRefused() {
        var result = CHECK.check("application/x-msdownload", new byte[] {'M', 'Z'});

        assertThat(result).isEqualTo(new FileCheck.Refused(Refusal.FILE_TYPE_NOT_ALLOWED,
                "Files of type 'application/x-msdownload' are not accepted; allowed: application/pdf, image/jpeg, image/png, text/plain"));
    }

    @Test
    void contentThatIsNotWhatItDeclaresIsRefused() {
        assertThat(CHECK.check("image/png", "<html>".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new FileCheck.Refused(Refusal.FILE_TYPE_NOT_ALLOWED, "The content is not image/png as declared"));
        assertThat(CHECK.check("image/jpeg", SupportMother.PNG)).isInstanceOf(FileCheck.Refused.class);
        assertThat(CHECK.check("application/pdf", "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII))).isInstanceOf(FileCheck.Accepted.class);
        assertThat(CHECK.check("text/plain", new byte[] {'a', 0, 'b'})).isInstanceOf(FileCheck.Refused.class);
        assertThat(CHECK.check("text/plain", new byte[] {(byte) 0xC3, (byte) 0x28})).isInstanceOf(FileCheck.Refused.class);
    }

    @Test
    void anEmptyFileIsRefused() {
        assertThat(CHECK.check("image/png", new byte[0])).isEqualTo(new FileCheck.Refused(Refusal.FILE_EMPTY, "The file is empty"));
    }

    @Test
    void anAllowListMayOnlyNameTypesWhoseContentIsChecked() {
        assertThatThrownBy(() -> new FileCheck(1024, List.of("image/png", "application/zip")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("application/zip");
    }

    @Test
    void unsafeNamesAreReplaced() {
        assertThat(FileCheck.safeName("chat 1.png", "e3", "image/png")).isEqualTo("chat 1.png");
        assertThat(FileCheck.safeName("../../etc/passwd", "e3", "image/png")).isEqualTo("e3.png");
        assertThat(FileCheck.safeName("a\"b.pdf", "e4", "application/pdf")).isEqualTo("e4.pdf");
    }
}
