package io.flowmatch.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package structure of the whole toolkit (inference and training): no package cycles, the
 * command lines ({@code io.flowmatch.cli}, {@code io.flowmatch.inference.cli}) on top of the
 * libraries, and no DJL in {@code inference}.
 */
@AnalyzeClasses(packages = "io.flowmatch", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageRulesTest {
  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("io.flowmatch.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule trainingDoesNotUseTheCommandLines =
      noClasses()
          .that()
          .resideInAPackage("io.flowmatch.training..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.flowmatch.cli..", "io.flowmatch.inference.cli..");

  @ArchTest
  static final ArchRule inferenceHasNoDjl =
      noClasses()
          .that()
          .resideInAPackage("io.flowmatch.inference..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("ai.djl..");
}
