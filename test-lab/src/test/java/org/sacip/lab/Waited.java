package org.sacip.lab;

/** What a bounded wait saw last, whether its condition was met, and after how long. */
record Waited<T>(T last, boolean met, long afterMs) {
}
