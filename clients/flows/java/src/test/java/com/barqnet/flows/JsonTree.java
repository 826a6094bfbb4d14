package com.barqnet.flows;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A parsed JSON tree in a form two trees can be compared in: object members that are null are
 * dropped (generated models cannot tell an absent optional field from a null one), numbers are
 * doubles, and strings that are RFC 3339 timestamps become their instant (`.000Z` and `Z` agree).
 */
final class JsonTree {
  private JsonTree() {}

  static Object normal(Object node) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> out = new TreeMap<>();
      map.forEach((k, v) -> { if (v != null) out.put(k.toString(), normal(v)); });
      return out;
    }
    if (node instanceof List<?> list) return list.stream().map(JsonTree::normal).collect(Collectors.toList());
    if (node instanceof Number number) return number.doubleValue();
    if (node instanceof String text && text.length() >= 20 && text.charAt(4) == '-' && text.charAt(10) == 'T') {
      try {
        return OffsetDateTime.parse(text).toInstant().toString();
      } catch (RuntimeException notATimestamp) {
        return text;
      }
    }
    return node;
  }
}
