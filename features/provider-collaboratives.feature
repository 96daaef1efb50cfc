@provider-collaboratives
Feature: Provider collaboratives meet the national minimum requirements
  A provider collaborative is a formal partnership of NHS trusts working together at scale
  across several places. NHS England's 2021 guidance sets a minimum: at least two trusts, across
  more than one place, with a shared purpose and effective arrangements for deciding together,
  and three aims (less unwarranted variation and inequality, more resilience, specialising or
  consolidating services where that is better). Every NHS trust of a system is expected to take
  part in formal collaboration that goes further than sharing back-office functions. Good
  practice adds that the collaborative's relationship with the places it covers is written down
  and that it is part of the ICB's scheme of delegation (advisory only).
  A collaborative is declared on its own form, not as a place (decision AMB-18).

  Background:
    Given a provider collaborative that meets every minimum requirement

  @PC-1 @PC-2 @PC-3 @PC-4 @PC-5 @PC-6 @PC-7 @PC-8 @PC-9 @PC-11
  Scenario: Three hospital trusts working together across three places
    When its arrangements are assessed on 30 September 2023
    Then criterion PC-1 is met
    And criterion PC-2 is met
    And criterion PC-3 is met
    And criterion PC-4 is met
    And criterion PC-5 is met
    And criterion PC-6 is met
    And criterion PC-7 is met
    And criterion PC-8 is met
    And criterion PC-9 is met
    And criterion PC-11 is met
    And the collaborative is compliant

  @PC-1
  Scenario Outline: At least two NHS trusts; other members are welcome but do not count
    Given the collaborative's members are:
      | name                                      | kind        | joined on       |
      | Northshire Hospitals NHS Foundation Trust | acute trust | 1 April 2022    |
      | <second member>                           | <kind>      | <joined on>     |
    When its arrangements are assessed on 30 September 2023
    Then criterion PC-1 is <outcome>

    Examples:
      | second member                             | kind                | joined on       | outcome |
      | Coast and Marram Hospitals NHS Trust      | acute trust         | 1 April 2022    | met     |
      | Marram Vale Mental Health NHS Trust       | mental health trust |                 | met     |
      | Coast and Marram Hospitals NHS Trust      | acute trust         | 1 December 2023 | not met |
      | Harbourview Healthcare Ltd                | independent sector  | 1 April 2022    | not met |
      | Northshire Voluntary Action               | vcse                | 1 April 2022    | not met |

  @PC-1
  Scenario: Before July 2022 the minimum requirements are not yet due
    When its arrangements are assessed on 1 March 2022
    Then criterion PC-1 is not yet due and would not be met today
    And the explanation names "0 NHS trust member"

  @PC-2
  Scenario: Trusts working together for a single place are a place partnership
    Given the collaborative works only in "Northshire"
    When its arrangements are assessed on 30 September 2023
    Then criterion PC-2 is not met
    And the explanation names "place-based partnership"
    And the collaborative is not compliant

  @PC-3
  Scenario: A member has not agreed the shared purpose
    Given the shared purpose was agreed by "Northshire Hospitals NHS Foundation Trust" and "Coast and Marram Hospitals NHS Trust"
    When its arrangements are assessed on 30 September 2023
    Then criterion PC-3 is not met
    And the explanation names "Northshire Eye and Orthopaedic NHS Foundation Trust"

  @PC-3
  Scenario: The shared purpose is agreed only after the day of assessment
    Given the shared purpose was agreed on 1 November 2023
    When its arrangements are assessed on 30 September 2023
    Then criterion PC-3 is not met

  @PC-4 @PC-8
  Scenario Outline: Decision-making that is not yet effective also means the collaboration is not formal
    Given <what differs>
    When its arrangements are assessed on 30 September 2023
    Then criterion PC-4 is not met
    And criterion PC-8 is not met

    Examples:
      | what differs                                                                               |
      | the joint decision-making arrangements are not written down                                |
      | the joint decision-making arrangements were agreed on 1 November 2023                       |
      | "Northshire Eye and Orthopaedic NHS Foundation Trust" takes no part in the joint decisions |

  @PC-5 @PC-6 @PC-7
  Scenario Outline: Each of the three aims must be stated
    Given the collaborative states no aim to <aim>
    When its arrangements are assessed on 30 September 2023
    Then criterion <criterion> is not met

    Examples:
      | aim                                          | criterion |
      | reduce unwarranted variation and inequality  | PC-5      |
      | improve resilience                           | PC-6      |
      | specialise or consolidate services           | PC-7      |

  @PC-8
  Scenario: Sharing back-office services is not formal collaboration
    Given the members work together only on back-office services and procurement
    When its arrangements are assessed on 30 September 2023
    Then criterion PC-8 is not met
    And criterion PC-4 is met

  @PC-8
  Scenario: A trust of the system that takes part in no formal collaboration
    Given "Coastal Community Health NHS Trust" is in no other formal collaborative
    When its arrangements are assessed on 30 September 2023
    Then criterion PC-8 is not met
    And the explanation names "Coastal Community Health NHS Trust"

  @PC-8
  Scenario: Clinical support services and mutual aid go beyond the back office
    Given the members work together only on clinical support services, mutual aid and procurement
    When its arrangements are assessed on 30 September 2023
    Then criterion PC-8 is met

  @PC-9 @PC-11 @good-practice
  Scenario: Good practice on places and delegation is advised, but does not decide compliance
    Given how the collaborative relates to the places is not written down
    And the collaborative is not part of the ICB's scheme of delegation
    When its arrangements are assessed on 30 September 2023
    Then criterion PC-9 is not met
    And criterion PC-11 is not met
    And the collaborative is compliant

  @PC-2 @PC-5 @PC-8
  Scenario: A back-office partnership for one place (the Broadwater example)
    Given the provider collaborative described in "examples/provider-collaboratives/broadwater-corporate-services.yaml"
    When its arrangements are assessed on 30 September 2023
    Then criterion PC-1 is met
    And criterion PC-2 is not met
    And criterion PC-5 is not met
    And criterion PC-8 is not met
    And criterion PC-9 is not met
    And the collaborative is not compliant
