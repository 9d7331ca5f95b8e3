{
 "Comment": "MAP_STATE_REFERENCE_IN_INTRINSIC_FUNCTION",
 "StartAt": "Start",
 "States": {
  "Start": {
   "Type": "Pass",
   "Assign": {
    "AnswerTemplate": "It's {}!",
    "Question": "Who's that Pokemon?"
   },
   "Result": [
    "Charizard",
    "Pikachu",
    "Squirtle"
   ],
   "Next": "MapIterateState"
  },
  "MapIterateState": {
   "Type": "Map",
   "MaxConcurrency": 1,
   "ItemSelector": {
    "AnnouncePokemon.$": "States.Format($AnswerTemplate, $$.Map.Item.Value)"
   },
   "ItemProcessor": {
    "ProcessorConfig": {
     "Mode": "INLINE"
    },
    "StartAt": "Pass",
    "States": {
     "Pass": {
      "Type": "Pass",
      "Parameters": {
       "Question.$": "$Question",
       "Answer.$": "$.AnnouncePokemon"
      },
      "End": true
     }
    }
   },
   "End": true
  }
 }
}