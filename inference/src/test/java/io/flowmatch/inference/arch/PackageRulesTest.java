package io.flowmatch.inference.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package structure of the inference module: every package is its own slice and no two slices
 * depend on each other in a cycle; the command line sits on top (no library package imports {@code
 * cli}); the module runs without DJL.
 */
@AnalyzeClasses(
    packages = "io.flowmatch.inference",
    importOptions = ImportOption.DoNotIncludeTests.class)
class PackageRulesTest {
  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("io.flowmatch.inference.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule libraryDoesNotUseTheCommandLine =
      noClasses()
          .that()
          .resideInAPackage("io.flowmatch.inference..")
          .and()
          .resideOutsideOfPackage("io.flowmatch.inference.cli..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.flowmatch.inference.cli..");

  @ArchTest
  static final ArchRule noDjl =
      noClasses()
          .that()
          .resideInAPackage("io.flowmatch.inference..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("ai.djl..");
}
