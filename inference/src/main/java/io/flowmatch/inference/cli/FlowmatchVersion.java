package io.flowmatch.inference.cli;

import io.flowmatch.inference.compare.Provenance;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code --version} prints: the project version Maven filters into {@code
 * flowmatch.properties}, the same value results files carry as {@code flowmatch_version} (one
 * place, the root pom).
 */
public final class FlowmatchVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"flowmatch " + Provenance.currentVersion()};
  }
}
