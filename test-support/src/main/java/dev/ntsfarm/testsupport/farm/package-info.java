/**
 * The farm of processes (DESIGN 7): {@link dev.ntsfarm.testsupport.farm.ProcessFarm} declares
 * NTS-KE members and NTP responders, each a {@link dev.ntsfarm.testsupport.farm.FarmProcess} (a JVM
 * of its own, optionally inside a network namespace given by name), and {@link
 * dev.ntsfarm.testsupport.farm.Nginx} in front of them. {@link
 * dev.ntsfarm.testsupport.farm.Faketime} moves one process's wall clock ahead of the others'.
 */
package dev.ntsfarm.testsupport.farm;
