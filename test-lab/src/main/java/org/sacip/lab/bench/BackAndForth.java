package org.sacip.lab.bench;

/** Moves host A back and forth: move i goes from its address i%2 to address (i+1)%2. */
interface BackAndForth {
    BenchMove move(int i);
}
