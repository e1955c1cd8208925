package dev.runbookpilot.cli;
public class Main { public static void main(String[] a) {} }
