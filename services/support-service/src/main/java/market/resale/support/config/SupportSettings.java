package market.resale.support.config;

import java.time.Duration;
import java.util.List;
import market.resale.schemas.topics.Topics;
import market.resale.support.domain.CaseLimits;
import market.resale.support.domain.FileCheck;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param decisionWait       how long a write waits for the case processor's answer before answering 202
 * @param maxFileSize        the largest attached file; it travels in one Kafka record, so at most
 *                           {@link #MAX_FILE_SIZE_CEILING} ({@code support.case-commands} and the files changelog take {@link Topics#SUPPORT_MAX_RECORD_BYTES})
 * @param allowedFileTypes   the content types accepted as evidence; each one's first bytes are checked
 * @param maxFilesPerCase    files one case takes
 * @param maxEvidencePerCase statements, quoted messages and files one case takes (a case is one changelog record)
 * @param outcomeRetention   how long the answer to a write is kept for a retry with the same Idempotency-Key
 * @param backlogRefresh     how often the open-cases gauges recount the case summaries
 * @param quotableMessages   how many of each order's latest conversation entries support keeps, so that a
 *                           quote is taken from the real message (at least messaging's max-entries-per-order
 *                           keeps every entry quotable)
 * @param closedCaseFileRetention how long the files of a closed case are kept after it closed; then their bytes are
 *                           deleted (the evidence entry, its name, size and SHA-256 stay with the case)
 */
@ConfigurationProperties("app.support")
public record SupportSettings(@DefaultValue("5s") Duration decisionWait,
                              @DefaultValue("4MB") DataSize maxFileSize,
                              @DefaultValue({"image/png", "image/jpeg", "application/pdf", "text/plain"}) List<String> allowedFileTypes,
                              @DefaultValue("20") int maxFilesPerCase,
                              @DefaultValue("200") int maxEvidencePerCase,
                              @DefaultValue("7d") Duration outcomeRetention,
                              @DefaultValue("15s") Duration backlogRefresh,
                              @DefaultValue("1000") int quotableMessages,
                              @DefaultValue("180d") Duration closedCaseFileRetention) {

    /** Leaves room under the topics' record limit for the command around the file and Avro's framing. */
    public static final DataSize MAX_FILE_SIZE_CEILING = DataSize.ofMegabytes(8);

    public SupportSettings {
        if (maxFileSize.compareTo(MAX_FILE_SIZE_CEILING) > 0) {
            throw new IllegalArgumentException("app.support.max-file-size is at most " + MAX_FILE_SIZE_CEILING
                    + ": a file travels in one Kafka record of at most " + Topics.SUPPORT_MAX_RECORD_BYTES + " bytes");
        }
        if (maxFilesPerCase < 1 || maxEvidencePerCase < maxFilesPerCase) {
            throw new IllegalArgumentException("app.support.max-files-per-case must be positive and at most max-evidence-per-case");
        }
        if (quotableMessages < 1) {
            throw new IllegalArgumentException("app.support.quotable-messages must be positive");
        }
        allowedFileTypes = List.copyOf(allowedFileTypes);
        fileCheck(maxFileSize, allowedFileTypes); // refuses an allow-list naming a type whose content cannot be checked
    }

    /** The defaults, for tests. */
    public static SupportSettings defaults() {
        return new SupportSettings(Duration.ofSeconds(5), DataSize.ofMegabytes(4),
                List.of("image/png", "image/jpeg", "application/pdf", "text/plain"), 20, 200, Duration.ofDays(7),
                Duration.ofSeconds(15), 1000, Duration.ofDays(180));
    }

    public FileCheck fileCheck() {
        return fileCheck(maxFileSize, allowedFileTypes);
    }

    public CaseLimits limits() {
        return new CaseLimits(maxEvidencePerCase, maxFilesPerCase);
    }

    private static FileCheck fileCheck(DataSize max, List<String> types) {
        return new FileCheck(max.toBytes(), types);
    }
}
