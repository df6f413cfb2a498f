package dev.shipgate.producer.importer;

import dev.shipgate.producer.importer.LocatedJson.Located;

/**
 * Where a phase's JSON object came from: its own file or an entry of the summary's
 * {@code phases}.
 *
 * @param obj the object
 * @param display how messages name its file
 * @param idFile file name part of its events' ids
 * @param idPart entry part of its events' ids ("" for a file of its own)
 * @param fieldPrefix prefix of field names in messages ("phases[2]." for a summary entry)
 */
record PhaseSource(Located obj, String display, String idFile, String idPart,
    String fieldPrefix) {}
