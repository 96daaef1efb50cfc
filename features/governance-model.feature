@governance-model
Feature: The place board model, or an equivalent that meets the criteria
  Places are expected to adopt the illustrative place board model, to which the ICB delegates
  functions and budget, or another model that meets the white paper's criteria, by April 2023.
  A small system made of a single place is not expected to do so (decision AMB-2).

  Background:
    Given a place that meets every national expectation

  @GOV-1 @GOV-2
  Scenario: A place board with functions and budget delegated by the ICB
    Given the place uses the place board model
    And the ICB delegated functions and budget to the place
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-2 is met
    And criterion GOV-1 is met
    And the place is compliant

  @GOV-1 @GOV-2
  Scenario Outline: A place board without full delegation does not meet the model
    Given the place uses the place board model
    And the ICB delegated <what> to the place
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-2 is not met
    And criterion GOV-1 is not met
    And the explanation names "GOV-2"

    Examples:
      | what                         |
      | functions but not budget     |
      | budget but not functions     |
      | neither functions nor budget |

  @GOV-2
  Scenario: Delegation to a place board is not asked of other models (decision AMB-4)
    Given the place uses the alliance model
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-2 is not applicable

  @GOV-1 @GOV-2
  Scenario: A single-place system is not expected to adopt the model (decision AMB-2)
    Given its system has 1 place
    And the ICB delegated neither functions nor budget to the place
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-1 is not applicable
    And criterion GOV-2 is not applicable
