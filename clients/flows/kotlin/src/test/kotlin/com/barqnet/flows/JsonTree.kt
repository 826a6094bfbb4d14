package com.barqnet.flows

import java.time.OffsetDateTime

/**
 * A parsed JSON tree in a form two trees can be compared in: object members that are null are
 * dropped (generated models cannot tell an absent optional field from a null one), numbers are
 * doubles, and strings that are RFC 3339 timestamps become their instant (`.000Z` and `Z` agree).
 */
object JsonTree {
    fun normal(node: Any?): Any? = when (node) {
        is Map<*, *> -> node.filterValues { it != null }.map { (k, v) -> k.toString() to normal(v) }.toMap().toSortedMap()
        is List<*> -> node.map(::normal)
        is Number -> node.toDouble()
        is String -> instant(node) ?: node
        else -> node
    }

    private fun instant(text: String) =
        if (text.length >= 20 && text[4] == '-' && text[10] == 'T') runCatching { OffsetDateTime.parse(text).toInstant().toString() }.getOrNull() else null
}
